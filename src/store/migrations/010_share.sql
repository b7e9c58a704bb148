-- 010: the information-sharing network. Every shareable thing (a warning, a report from
-- the field, an intelligence note or a detail about a site) is one row of `item` with its
-- TLP 2.0 marking, its author and the author's organisation; `item_recipient` is its
-- distribution, resolved to organisations and named users with the reason each was
-- included. Who may read an item is decided by one SQL predicate over these two tables
-- (store_share.c, docs/sharing.md), applied in every read.
--
-- A warning goes draft -> approved -> issued -> (updated ...) -> cancelled; every step is
-- a row of warning_step, every CAP message sent (alert, update, cancel) a row of
-- warning_cap with its exact bytes and signature. Acknowledgements keep the latest
-- status per recipient organisation and the time it took; ack_log keeps every one.
-- Deliveries are the webhook queue with retries and a dead-letter state. Times are ISO
-- 8601 UTC text with milliseconds (YYYY-MM-DDTHH:MM:SS.sssZ), which orders as time does.

CREATE TABLE item (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('warning', 'report', 'note')),
    tlp         TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    author      TEXT NOT NULL,
    author_user INTEGER REFERENCES user(id),
    author_org  TEXT NOT NULL REFERENCES org(id),
    site        TEXT REFERENCES site(id) ON DELETE SET NULL,
    published   INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
    created     TEXT NOT NULL,
    updated     TEXT NOT NULL
) STRICT;
CREATE INDEX item_kind ON item(kind, id);
CREATE INDEX item_site ON item(site);

CREATE TABLE item_recipient (
    item   INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
    org    TEXT REFERENCES org(id) ON DELETE CASCADE,
    user   INTEGER REFERENCES user(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    CHECK ((org IS NULL) <> (user IS NULL))
) STRICT;
CREATE UNIQUE INDEX item_recipient_org ON item_recipient(org, item) WHERE org IS NOT NULL;
CREATE UNIQUE INDEX item_recipient_user ON item_recipient(user, item) WHERE user IS NOT NULL;
CREATE INDEX item_recipient_item ON item_recipient(item);

CREATE TABLE warning (
    item        INTEGER PRIMARY KEY REFERENCES item(id),
    status      TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'issued', 'cancelled')),
    national    INTEGER NOT NULL CHECK (national IN (0, 1)),
    version     INTEGER NOT NULL DEFAULT 1,
    doc         TEXT NOT NULL,
    event       TEXT NOT NULL,
    headline    TEXT,
    ack_minutes INTEGER NOT NULL CHECK (ack_minutes > 0),
    drafted_by  TEXT NOT NULL,
    approved_by TEXT,
    issued_at   TEXT,
    deadline    TEXT
) STRICT;
CREATE INDEX warning_status ON warning(status);

CREATE TABLE warning_step (
    id      INTEGER PRIMARY KEY,
    warning INTEGER NOT NULL REFERENCES warning(item),
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL CHECK (action IN ('draft', 'edit', 'approve', 'issue', 'update',
                                            'cancel')),
    version INTEGER NOT NULL,
    note    TEXT
) STRICT;
CREATE INDEX warning_step_warning ON warning_step(warning, id);

CREATE TABLE warning_cap (
    warning    INTEGER NOT NULL REFERENCES warning(item),
    seq        INTEGER NOT NULL,
    msg_type   TEXT NOT NULL CHECK (msg_type IN ('Alert', 'Update', 'Cancel')),
    identifier TEXT NOT NULL UNIQUE,
    sent       TEXT NOT NULL,
    xml        BLOB NOT NULL,
    signature  TEXT NOT NULL,
    PRIMARY KEY (warning, seq)
) STRICT, WITHOUT ROWID;
