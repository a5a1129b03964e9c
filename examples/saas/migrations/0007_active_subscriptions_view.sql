-- What the billing page and the support dashboard both need: each organization's live
-- subscription with its plan and what it currently owes.
--
-- security_invoker: a plain view runs with its owner's rights, and the owner bypasses RLS,
-- so app_user would see every tenant's billing through it once 0009 enables RLS. With
-- security_invoker the underlying tables' policies apply to whoever queries the view.
CREATE VIEW public.active_subscriptions
WITH (security_invoker = true)
AS
SELECT
  s.org_id,
  o.slug                 AS org_slug,
  o.name                 AS org_name,
  s.id                   AS subscription_id,
  p.code                 AS plan_code,
  p.tier                 AS plan_tier,
  p.monthly_price,
  s.status,
  s.current_period_end,
  coalesce(open_inv.open_invoices, 0)   AS open_invoices,
  coalesce(open_inv.amount_due, 0)      AS amount_due
FROM public.subscriptions AS s
JOIN public.organizations AS o ON o.id = s.org_id
JOIN platform.plans AS p ON p.id = s.plan_id
LEFT JOIN LATERAL (
  SELECT count(*) AS open_invoices, sum(i.total) AS amount_due
    FROM public.invoices AS i
   WHERE i.org_id = s.org_id
     AND i.status = 'open'
) AS open_inv ON true
-- past_due stays in: the tenant still has the service while dunning runs.
WHERE s.status IN ('trialing', 'active', 'past_due');

COMMENT ON VIEW public.active_subscriptions IS 'One row per organization with a live subscription; RLS of the base tables applies (security_invoker).';
