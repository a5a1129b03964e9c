import { dirname, join } from "node:path";
import ts from "typescript";

/** Where the files to check live: a folder that does not exist, so nothing on disk is read by mistake. */
const root = "/drydock-typecheck";

/**
 * Type-checks TypeScript files held in memory (name → text, e.g. `database.ts` and a
 * `check.ts` that imports `./database`) with the strictest common settings, and returns
 * the errors as `file:line:column message`; none means the files compile. Only the ES2022
 * library is loaded, not `@types/node`.
 */
export function typecheck(files: Record<string, string>): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noUnusedLocals: false,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts"],
    types: [],
  };
  const virtual = new Map(Object.entries(files).map(([name, text]) => [join(root, name), text]));
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (file) => virtual.has(file) || (!file.startsWith(root) && ts.sys.fileExists(file));
  host.readFile = (file) => virtual.get(file) ?? (file.startsWith(root) ? undefined : readFile(file));
  host.getSourceFile = (file, language, onError) => {
    const text = virtual.get(file);
    return text === undefined ? getSourceFile(file, language, onError) : ts.createSourceFile(file, text, language, true);
  };
  host.directoryExists = (directory) => directory === root || directory.startsWith(`${root}/`) || ts.sys.directoryExists(directory);
  host.getCurrentDirectory = () => root;
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${diagnostic.file.fileName.slice(dirname(`${root}/x`).length + 1)}:${line + 1}:${character + 1} ${message}`;
  });
}
