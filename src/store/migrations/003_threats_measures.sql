-- 003: the threat picture and protective measures (docs/data-model.md).
--
-- threat_level is the authority's history of threat levels: rows are only ever added
-- (the triggers refuse UPDATE and DELETE); a level is ended or changed by setting a
-- newer one, and the resolver (threat.h) prefers the most specific, then the latest.
-- `threat` is a threat type id, a family name or '*'; `level` is a level id of the
-- pack's scale; region NULL = any region, sector NULL = any class.
CREATE TABLE threat_level (
    id         INTEGER PRIMARY KEY,
    threat     TEXT NOT NULL CHECK (length(threat) BETWEEN 1 AND 128),
    level      TEXT NOT NULL CHECK (length(level) BETWEEN 1 AND 128),
    region     TEXT CHECK (region IS NULL OR length(region) BETWEEN 1 AND 128),
    sector     TEXT CHECK (sector IS NULL OR length(sector) BETWEEN 1 AND 128),
    valid_from TEXT NOT NULL
               CHECK (valid_from GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    valid_to   TEXT CHECK (valid_to IS NULL OR
                           (valid_to GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND
                            valid_to >= valid_from)),
    set_at     TEXT NOT NULL,
    note       TEXT
) STRICT;
CREATE INDEX threat_level_valid ON threat_level(valid_from, valid_to);

CREATE TRIGGER threat_level_append_only_update BEFORE UPDATE ON threat_level
BEGIN
    SELECT RAISE(ABORT, 'threat_level is history: set a new level instead of changing one');
END;
CREATE TRIGGER threat_level_append_only_delete BEFORE DELETE ON threat_level
BEGIN
    SELECT RAISE(ABORT, 'threat_level is history: set a new level instead of deleting one');
END;

-- Measures in place (planned = 0) or planned (planned = 1) at a site, one row per site and
-- catalogue measure. `measure` is an id of the pack's catalogue (checked by the program,
-- as categories are); quality 0..1 is how well it is implemented.
CREATE TABLE site_measure (
    site    INTEGER NOT NULL REFERENCES site(rowid) ON DELETE CASCADE,
    measure TEXT NOT NULL CHECK (length(measure) BETWEEN 1 AND 128),
    quality REAL NOT NULL CHECK (quality BETWEEN 0 AND 1),
    planned INTEGER NOT NULL DEFAULT 0 CHECK (planned IN (0, 1)),
    date    TEXT CHECK (date IS NULL OR date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    note    TEXT,
    PRIMARY KEY (site, measure)
) STRICT, WITHOUT ROWID;
CREATE INDEX site_measure_measure ON site_measure(measure);
