"""SQL that takes a current store back to what an older release left, so tests can
open it again and watch the newer migrations bring it up to date."""

from __future__ import annotations

DOWN_TO_V2 = """
DELETE FROM schema_migrations WHERE version = 17;
DROP INDEX tickets_due_groups; DROP INDEX tickets_risk_groups; DROP INDEX tickets_unanswered;
DELETE FROM schema_migrations WHERE version = 15;
DROP INDEX outbox_sent_copy; ALTER TABLE outbox DROP COLUMN sent_copy_at;
DELETE FROM schema_migrations WHERE version = 13;
DROP TRIGGER IF EXISTS events_team_outbox; DROP TABLE team_outbox; DROP TABLE team_log_cursor;
DROP TABLE remote_pending; DROP TABLE ticket_claims; DROP INDEX events_log_seq;
DELETE FROM schema_migrations WHERE version IN (11, 12);
DROP INDEX tickets_sla_watch; DROP INDEX tickets_created; DROP INDEX tickets_sla_breached;
ALTER TABLE tickets DROP COLUMN sla_policy;
ALTER TABLE tickets DROP COLUMN first_response_due_at;
ALTER TABLE tickets DROP COLUMN next_response_due_at;
ALTER TABLE tickets DROP COLUMN resolution_due_at;
ALTER TABLE tickets DROP COLUMN first_response_secs;
ALTER TABLE tickets DROP COLUMN resolution_secs;
ALTER TABLE tickets DROP COLUMN sla_at_risk_at;
ALTER TABLE tickets DROP COLUMN sla_breached_at;
ALTER TABLE tickets DROP COLUMN first_response_target;
ALTER TABLE tickets DROP COLUMN resolution_target;
ALTER TABLE tickets DROP COLUMN first_response_breached_at;
ALTER TABLE tickets DROP COLUMN resolution_breached_at;
ALTER TABLE tickets DROP COLUMN sla_watch_at;
DELETE FROM schema_migrations WHERE version = 10;
DROP TABLE sync_checkpoints; DELETE FROM schema_migrations WHERE version = 9;
DROP TABLE accounts; DROP INDEX outbox_due; ALTER TABLE outbox DROP COLUMN next_attempt_at;
ALTER TABLE outbox DROP COLUMN sending_since; DELETE FROM schema_migrations WHERE version = 8;
DROP TABLE outbox; DROP TABLE drafts; DELETE FROM schema_migrations WHERE version = 7;
DROP INDEX tickets_category_priority; DROP INDEX tickets_priority;
DROP INDEX tickets_assignee_name; DELETE FROM schema_migrations WHERE version = 6;
DROP TABLE message_refs; DROP INDEX tickets_merged_into;
ALTER TABLE tickets DROP COLUMN merged_into; DELETE FROM schema_migrations WHERE version = 4;
DROP INDEX tickets_ref; DROP INDEX messages_ref; DROP INDEX customers_key; DROP TABLE meta;
ALTER TABLE messages DROP COLUMN ref; ALTER TABLE tickets DROP COLUMN ref;
ALTER TABLE customers DROP COLUMN key; ALTER TABLE events DROP COLUMN ticket_ref;
ALTER TABLE events DROP COLUMN message_key; ALTER TABLE events DROP COLUMN customer_key;
ALTER TABLE events DROP COLUMN log_seq; UPDATE events SET origin = 'local';
DELETE FROM schema_migrations WHERE version IN (3, 5);
"""
