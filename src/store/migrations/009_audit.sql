-- 009: the audit log (docs/audit.md). One row per logical write (a user added, a threat
-- level set, an import) and per read of an item marked TLP:AMBER or above, appended by
-- store_audit.c inside the transaction of the write it records. Rows form a hash chain:
-- `prev` is the previous row's `hash` (64 zeros for the first row) and `hash` is the
-- hex BLAKE2b-256 of prev and the row's fields in the encoding docs/audit.md gives byte
-- by byte, so changing, removing or reordering any past row breaks the chain at that
-- row (`bulwark audit verify`). Times are ISO 8601 UTC with milliseconds
-- (YYYY-MM-DDTHH:MM:SS.sssZ) and never go backwards along the chain.
--
-- The triggers refuse UPDATE and DELETE. They stop mistakes, not an attacker who holds
-- the file (who can drop them); what detects tampering is the chain, and truncation of
-- its end is detected only against a head hash recorded elsewhere
-- (`bulwark audit verify --expect-head HASH`).
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    org    TEXT,
    action TEXT NOT NULL,
    kind   TEXT NOT NULL,
    object TEXT,
    tlp    TEXT,
    detail TEXT,
    prev   TEXT NOT NULL CHECK (length(prev) = 64),
    hash   TEXT NOT NULL CHECK (length(hash) = 64)
) STRICT;
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_actor ON audit(actor, id);

CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed');
END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted');
END;
