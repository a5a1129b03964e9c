import { InputError } from "../errors/drydock-error.js";

/**
 * Replaces `${NAME}` in a config value from the environment (and `.env`). A name that is not
 * set is an error naming the config key, since an empty URL or password would fail later with
 * a far less useful message.
 */
export function expandVariables(value: string, key: string, file: string, environment: Record<string, string | undefined>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const found = environment[name];
    if (found === undefined || found === "") {
      throw new InputError(`${file}: ${key} uses \${${name}}, which is not set`, {
        hint: `Set ${name} in the environment or in .env next to drydock.toml, or pass --url.`,
      });
    }
    return found;
  });
}
