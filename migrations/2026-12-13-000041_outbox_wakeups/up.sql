-- Queued mail no longer notifies from a trigger: a transaction that notifies commits under
-- a cluster-wide lock (held through its WAL flush), so every admin-added user (each queues
-- a mail) committed one at a time. The writer announces its rows once it has committed
-- instead (roster_core::outbox::queued): in its own process at once, in the others by a
-- coalesced NOTIFY of its own, and by a NOTIFY in the transaction outside a request.
DROP TRIGGER mail_outbox_queued ON mail_outbox;
DROP FUNCTION mail_outbox_notify();
