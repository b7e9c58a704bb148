-- 011: acknowledgements, escalation, webhook deliveries, reports from the field and notes
-- of the information-sharing network (010_share.sql has the items and warnings). The
-- latest acknowledgement per recipient organisation is in `ack` with the time it took;
-- ack_log keeps every one. Deliveries are the webhook queue with retries and a
-- dead-letter state.

CREATE TABLE ack (
    warning INTEGER NOT NULL REFERENCES warning(item),
    org     TEXT NOT NULL REFERENCES org(id),
    status  TEXT NOT NULL CHECK (status IN ('received', 'acting', 'not-concerned')),
    actor   TEXT NOT NULL,
    at      TEXT NOT NULL,
    seconds REAL NOT NULL,
    note    TEXT,
    PRIMARY KEY (warning, org)
) STRICT, WITHOUT ROWID;

CREATE TABLE ack_log (
    id      INTEGER PRIMARY KEY,
    warning INTEGER NOT NULL REFERENCES warning(item),
    org     TEXT NOT NULL,
    status  TEXT NOT NULL,
    actor   TEXT NOT NULL,
    at      TEXT NOT NULL,
    note    TEXT
) STRICT;

CREATE TABLE escalation (
    warning       INTEGER NOT NULL REFERENCES warning(item),
    org           TEXT NOT NULL REFERENCES org(id),
    at            TEXT NOT NULL,
    contact_name  TEXT,
    contact_phone TEXT,
    contact_email TEXT,
    PRIMARY KEY (warning, org)
) STRICT, WITHOUT ROWID;

CREATE TABLE org_endpoint (
    org    TEXT PRIMARY KEY REFERENCES org(id) ON DELETE CASCADE,
    url    TEXT NOT NULL,
    secret TEXT NOT NULL
) STRICT;

CREATE TABLE delivery (
    id         INTEGER PRIMARY KEY,
    warning    INTEGER NOT NULL REFERENCES warning(item),
    seq        INTEGER NOT NULL,
    org        TEXT NOT NULL REFERENCES org(id),
    channel    TEXT NOT NULL CHECK (channel IN ('webhook', 'escalation')),
    state      TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'dead')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    TEXT NOT NULL,
    last_error TEXT,
    created    TEXT NOT NULL
) STRICT;
CREATE INDEX delivery_due ON delivery(state, next_at);
CREATE INDEX delivery_warning ON delivery(warning);

CREATE TABLE report (
    item        INTEGER PRIMARY KEY REFERENCES item(id),
    type        TEXT NOT NULL CHECK (type IN ('uas-sighting', 'hostile-reconnaissance',
                                              'suspicious-purchase', 'insider-concern',
                                              'attack', 'other')),
    lat         REAL CHECK (lat BETWEEN -90 AND 90),
    lon         REAL CHECK (lon BETWEEN -180 AND 180),
    occurred    TEXT NOT NULL,
    description TEXT NOT NULL,
    triage      TEXT NOT NULL DEFAULT 'new' CHECK (triage IN ('new', 'triaged', 'dismissed',
                                                          'warning')),
    triaged_by  TEXT,
    triaged_at  TEXT,
    warning     INTEGER REFERENCES warning(item)
) STRICT;

CREATE TABLE note (
    item  INTEGER PRIMARY KEY REFERENCES item(id),
    title TEXT NOT NULL,
    body  TEXT NOT NULL
) STRICT;
