-- drydock:allow add-unique-constraint members is small (one row per person per tenant): ACCESS EXCLUSIVE for the index build lasts milliseconds
--
-- One membership per person per tenant: invitations and sign-in look members up by email.
--
-- BROKEN (on purpose): 0002 imported grace@northwind.example twice for northwind, so building
-- the constraint's index fails with 23505 (unique_violation: Key (org_id, email)=(2,
-- grace@northwind.example) is duplicated) and the migration is rolled back. The duplicate has
-- to be merged first, in this migration, before the constraint is added.
ALTER TABLE public.members ADD CONSTRAINT members_org_id_email_key UNIQUE (org_id, email);
