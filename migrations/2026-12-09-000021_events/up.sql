-- Events: an audit log of every change and the outbox of signed webhooks. A write inserts
-- its event, and one delivery per subscribed endpoint, in its own transaction
-- (roster_core::events::emit), so nothing is announced that did not commit.

-- One change, as the audit log and webhooks show it. Written once, never changed: only
-- retention deletes (roster_core::events::retention).
CREATE TABLE events (
    org_id       text        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id           text        NOT NULL,
    type         text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    actor_type   text        NOT NULL,
    actor_id     text,
    target_type  text        NOT NULL,
    target_id    text        NOT NULL,
    request_id   text,
    data         jsonb       NOT NULL,
    CONSTRAINT events_pkey PRIMARY KEY (org_id, id),
    CONSTRAINT events_actor_type_check
        CHECK (actor_type IN ('user', 'api_key', 'slack', 'scim', 'system'))
);
-- The audit log's filters, newest first; its cursor is (occurred_at, id).
CREATE INDEX events_org_time_idx ON events (org_id, occurred_at DESC, id DESC);
CREATE INDEX events_org_type_idx ON events (org_id, type, occurred_at DESC, id DESC);
CREATE INDEX events_org_actor_idx ON events (org_id, actor_id, occurred_at DESC, id DESC);
CREATE INDEX events_org_target_idx ON events (org_id, target_id, occurred_at DESC, id DESC);
-- Retention finds the oldest events of every org; rows arrive in time order, so a BRIN
-- index is enough and costs a write almost nothing.
CREATE INDEX events_occurred_brin ON events USING brin (occurred_at);

CREATE FUNCTION events_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are never changed (event %)', OLD.id
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION events_refuse_update();

-- Where an org's events are sent. `events` NULL: every event; else names and `prefix.*`
-- patterns. The secret is sealed (XChaCha20-Poly1305, key derived from ROSTER_SECRET,
-- bound to the endpoint id); after a rotation the previous one signs too until it expires.
CREATE TABLE webhook_endpoints (
    org_id                      text        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id                          text        NOT NULL,
    url                         text        NOT NULL,
    events                      text[],
    description                 text,
    enabled                     boolean     NOT NULL DEFAULT true,
    secret_sealed               bytea       NOT NULL,
    previous_secret_sealed      bytea,
    previous_secret_expires_at  timestamptz,
    failing_since               timestamptz,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhook_endpoints_pkey PRIMARY KEY (org_id, id)
);
CREATE INDEX webhook_endpoints_org_created_idx ON webhook_endpoints (org_id, created_at, id);

-- One event to send to one endpoint, retried until delivered or failed.
CREATE TABLE webhook_deliveries (
    org_id           text        NOT NULL,
    id               text        NOT NULL,
    endpoint_id      text        NOT NULL,
    event_id         text        NOT NULL,
    event_type       text        NOT NULL,
    state            text        NOT NULL DEFAULT 'pending',
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    last_status      integer,
    last_error       text,
    last_attempt_at  timestamptz,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (org_id, id),
    CONSTRAINT webhook_deliveries_state_check CHECK (state IN ('pending', 'delivered', 'failed')),
    CONSTRAINT webhook_deliveries_endpoint_fkey FOREIGN KEY (org_id, endpoint_id)
        REFERENCES webhook_endpoints (org_id, id) ON DELETE CASCADE,
    CONSTRAINT webhook_deliveries_event_fkey FOREIGN KEY (org_id, event_id)
        REFERENCES events (org_id, id) ON DELETE CASCADE
);
-- An endpoint's deliveries, newest first.
CREATE INDEX webhook_deliveries_endpoint_idx
    ON webhook_deliveries (org_id, endpoint_id, created_at DESC, id DESC);
-- The due claims of every deliverer: pending only, soonest first.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
    WHERE state = 'pending';
-- The cascade from a deleted event.
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (org_id, event_id);
