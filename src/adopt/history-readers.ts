import type { HistoryReader } from "./history-reader.js";
import { dbmateReader } from "./readers/dbmate.js";
import { flywayReader } from "./readers/flyway.js";
import { golangMigrateReader } from "./readers/golang-migrate.js";
import { nodePgMigrateReader } from "./readers/node-pg-migrate.js";
import { prismaReader } from "./readers/prisma.js";
import { supabaseReader } from "./readers/supabase.js";
import type { AdoptTool } from "./tool-history.js";

/** The reader of each tool `drydock adopt --from` knows: the one list. */
export const historyReaders: Readonly<Record<AdoptTool, HistoryReader>> = {
  supabase: supabaseReader,
  flyway: flywayReader,
  dbmate: dbmateReader,
  "golang-migrate": golangMigrateReader,
  prisma: prismaReader,
  "node-pg-migrate": nodePgMigrateReader,
};
