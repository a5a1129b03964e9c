-- Detach from projects first so the table keeps working while the rest is dropped; the
-- append-only triggers go with the audit_logs table itself.
DROP TRIGGER IF EXISTS projects_audit ON public.projects;
DROP FUNCTION IF EXISTS platform.record_audit_event();
DROP TABLE IF EXISTS public.audit_logs;
DROP FUNCTION IF EXISTS platform.audit_logs_append_only();
