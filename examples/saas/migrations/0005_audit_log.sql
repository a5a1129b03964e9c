-- Audit trail for tenant-visible changes, starting with projects (the object customers ask
-- "who changed this?" about most).

CREATE TABLE public.audit_logs (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Deliberately no foreign key to organizations: the trail must outlive the tenant (legal
  -- retention), and a cascade from an organization delete would have to delete audit rows,
  -- which the append-only rule below forbids.
  org_id       bigint NOT NULL,
  table_name   text NOT NULL,
  row_id       bigint NOT NULL,
  action       text NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE')),
  -- Set by the application per request (SET LOCAL app.current_user_id); NULL means a
  -- migration, a seed or an operator at the psql prompt.
  actor        text,
  old_data     jsonb,
  new_data     jsonb,
  occurred_at  timestamptz NOT NULL DEFAULT now()
);

-- The audit page lists one tenant's events newest first.
CREATE INDEX audit_logs_org_id_occurred_at_idx ON public.audit_logs (org_id, occurred_at DESC);
-- "History of this project" looks rows up by what they describe.
CREATE INDEX audit_logs_table_row_idx ON public.audit_logs (table_name, row_id);

-- Append-only, enforced in the database so it also holds for the owner and for operators,
-- not just for app_user (which only gets SELECT). Retention jobs must disable this trigger
-- explicitly, which is loud on purpose.
CREATE FUNCTION platform.audit_logs_append_only()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION 'audit_logs is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_logs_no_update_delete
  BEFORE UPDATE OR DELETE ON public.audit_logs
  FOR EACH ROW EXECUTE FUNCTION platform.audit_logs_append_only();

CREATE TRIGGER audit_logs_no_truncate
  BEFORE TRUNCATE ON public.audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION platform.audit_logs_append_only();

-- Generic row-change recorder. SECURITY DEFINER so that app_user, which may change projects
-- but may not write audit rows directly, still produces them.
CREATE FUNCTION platform.record_audit_event()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v_old  jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
  v_new  jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
BEGIN
  -- An UPDATE that only bumped updated_at is noise, not an event.
  IF TG_OP = 'UPDATE' AND (v_old - 'updated_at') = (v_new - 'updated_at') THEN
    RETURN NULL;
  END IF;

  INSERT INTO public.audit_logs (org_id, table_name, row_id, action, actor, old_data, new_data)
  VALUES (
    coalesce(v_new ->> 'org_id', v_old ->> 'org_id')::bigint,
    TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME,
    coalesce(v_new ->> 'id', v_old ->> 'id')::bigint,
    TG_OP,
    nullif(current_setting('app.current_user_id', true), ''),
    v_old,
    v_new
  );
  RETURN NULL;
END;
$$;

CREATE TRIGGER projects_audit
  AFTER INSERT OR UPDATE OR DELETE ON public.projects
  FOR EACH ROW EXECUTE FUNCTION platform.record_audit_event();
