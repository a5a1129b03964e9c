/**
 * Condition names of the SQLSTATEs migrations meet most often (PostgreSQL Appendix A,
 * https://www.postgresql.org/docs/current/errcodes-appendix.html). Others show the code alone.
 */
const conditions: Record<string, string> = {
  "0A000": "feature_not_supported",
  "22001": "string_data_right_truncation",
  "22003": "numeric_value_out_of_range",
  "22012": "division_by_zero",
  "22P02": "invalid_text_representation",
  "23502": "not_null_violation",
  "23503": "foreign_key_violation",
  "23505": "unique_violation",
  "23514": "check_violation",
  "23P01": "exclusion_violation",
  "25001": "active_sql_transaction",
  "25P02": "in_failed_sql_transaction",
  "28000": "invalid_authorization_specification",
  "28P01": "invalid_password",
  "2BP01": "dependent_objects_still_exist",
  "3D000": "invalid_catalog_name",
  "3F000": "invalid_schema_name",
  "40001": "serialization_failure",
  "40P01": "deadlock_detected",
  "42501": "insufficient_privilege",
  "42601": "syntax_error",
  "42701": "duplicate_column",
  "42703": "undefined_column",
  "42704": "undefined_object",
  "42710": "duplicate_object",
  "42723": "duplicate_function",
  "42804": "datatype_mismatch",
  "42809": "wrong_object_type",
  "42830": "invalid_foreign_key",
  "42846": "cannot_coerce",
  "42883": "undefined_function",
  "42P01": "undefined_table",
  "42P06": "duplicate_schema",
  "42P07": "duplicate_table",
  "42P13": "invalid_function_definition",
  "42P16": "invalid_table_definition",
  "42P17": "invalid_object_definition",
  "53300": "too_many_connections",
  "55000": "object_not_in_prerequisite_state",
  "55006": "object_in_use",
  "55P03": "lock_not_available",
  "57014": "query_canceled",
  "57P01": "admin_shutdown",
  P0001: "raise_exception",
  XX000: "internal_error",
};

/** The condition name of a SQLSTATE, e.g. "42P01" → "undefined_table". */
export function conditionName(sqlstate: string): string | undefined {
  return conditions[sqlstate];
}

/** SQLSTATE of `lock_timeout` expiring: the statement may succeed if tried again later. */
export const LOCK_NOT_AVAILABLE = "55P03";
