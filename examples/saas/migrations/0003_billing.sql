-- Billing: the plan catalogue (operator-owned) and each tenant's subscriptions and invoices.
--
-- Enums rather than free text because billing code branches on these values and a typo must
-- be a write error, not a silently unbilled tenant. Adding a value later is cheap
-- (ALTER TYPE ... ADD VALUE); removing one is not, so the lists are kept short.
CREATE TYPE platform.plan_tier AS ENUM ('free', 'pro', 'enterprise');
CREATE TYPE platform.subscription_status AS ENUM ('trialing', 'active', 'past_due', 'canceled');

CREATE TABLE platform.plans (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code            text NOT NULL UNIQUE,
  tier            platform.plan_tier NOT NULL,
  name            text NOT NULL,
  -- numeric, never float: money must add up to the cent in invoices and reports.
  monthly_price   numeric(10, 2) NOT NULL CHECK (monthly_price >= 0),
  seats_included  integer NOT NULL CHECK (seats_included > 0),
  -- Plans are retired, never deleted, because old subscriptions keep pointing at them.
  is_public       boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.subscriptions (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id                bigint NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  -- RESTRICT: a plan in use must not disappear from under a paying tenant.
  plan_id               bigint NOT NULL REFERENCES platform.plans (id) ON DELETE RESTRICT,
  status                platform.subscription_status NOT NULL DEFAULT 'trialing',
  current_period_start  timestamptz NOT NULL,
  current_period_end    timestamptz NOT NULL,
  canceled_at           timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT subscriptions_period_check CHECK (current_period_end > current_period_start),
  CONSTRAINT subscriptions_canceled_check CHECK ((status = 'canceled') = (canceled_at IS NOT NULL))
);

-- FK indexes: deleting an organization or checking a plan's usage must not scan the table.
CREATE INDEX subscriptions_org_id_idx ON public.subscriptions (org_id);
CREATE INDEX subscriptions_plan_id_idx ON public.subscriptions (plan_id);

-- A tenant has at most one live subscription; canceled ones are kept as history. This is a
-- rule, not a lookup path, so it does not replace the plain org_id index above.
CREATE UNIQUE INDEX subscriptions_one_live_per_org_key
  ON public.subscriptions (org_id) WHERE status <> 'canceled';

CREATE TRIGGER subscriptions_set_updated_at
  BEFORE UPDATE ON public.subscriptions
  FOR EACH ROW EXECUTE FUNCTION platform.set_updated_at();

CREATE TABLE public.invoices (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- RESTRICT: invoices are accounting records; a tenant with invoices is offboarded by
  -- archiving, not by deleting its billing history.
  org_id           bigint NOT NULL REFERENCES public.organizations (id) ON DELETE RESTRICT,
  -- Nullable: one-off invoices (setup fees, overages) are not tied to a subscription.
  subscription_id  bigint REFERENCES public.subscriptions (id) ON DELETE RESTRICT,
  number           text NOT NULL,
  currency         char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  subtotal         numeric(12, 2) NOT NULL,
  tax              numeric(12, 2) NOT NULL DEFAULT 0,
  -- Generated so that no code path can store a total that disagrees with its parts.
  total            numeric(12, 2) GENERATED ALWAYS AS (subtotal + tax) STORED,
  status           text NOT NULL DEFAULT 'draft'
                     CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
  issued_at        timestamptz NOT NULL DEFAULT now(),
  due_at           timestamptz NOT NULL,
  paid_at          timestamptz,
  CONSTRAINT invoices_amounts_check CHECK (subtotal >= 0 AND tax >= 0),
  CONSTRAINT invoices_due_check CHECK (due_at >= issued_at),
  CONSTRAINT invoices_paid_check CHECK ((status = 'paid') = (paid_at IS NOT NULL)),
  -- Invoice numbers are sequential per tenant (what the tenant's accountant sees); this
  -- constraint's index also serves the org_id foreign key.
  CONSTRAINT invoices_org_number_key UNIQUE (org_id, number)
);

CREATE INDEX invoices_subscription_id_idx ON public.invoices (subscription_id);
