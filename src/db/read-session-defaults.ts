import { quoteLiteral } from "../util/quote-ident.js";
import type { Engine } from "./engine.js";

/**
 * The settings a new session on this database would start with (`ALTER DATABASE … SET`,
 * `ALTER ROLE … SET`, from `pg_db_role_setting`), as statements that give them to a session
 * opened before they were set. A sandbox runs its prelude (which may set a search_path for the
 * database) on the session the migrations then use, and `RESET ALL` returns to what held at
 * connection time. Applied from the weakest to the strongest: every database and role, the
 * database, the role, then the database and role together, as PostgreSQL does at login.
 */
export async function readSessionDefaults(engine: Engine): Promise<string[]> {
  const rows = await engine.query<{ setting: string }>(
    `SELECT s.setting
       FROM pg_catalog.pg_db_role_setting d
       CROSS JOIN LATERAL pg_catalog.unnest(d.setconfig) WITH ORDINALITY AS s(setting, position)
      WHERE d.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()))
        AND d.setrole IN (0, (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = session_user))
      ORDER BY (d.setdatabase <> 0)::int + 2 * (d.setrole <> 0)::int, s.position`,
  );
  return rows.map(({ setting }) => {
    const equals = setting.indexOf("=");
    return `SELECT pg_catalog.set_config(${quoteLiteral(setting.slice(0, equals))}, ${quoteLiteral(setting.slice(equals + 1))}, false)`;
  });
}
