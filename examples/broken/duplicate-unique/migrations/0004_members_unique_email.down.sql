ALTER TABLE public.members DROP CONSTRAINT IF EXISTS members_org_id_email_key;
