-- 001: the national register — pack, organisations, sites, dependencies, roles,
-- designation runs. STRICT tables; ids are the State's own text ids; sites also have
-- an integer rowid used by the R*Tree and by dependency rows to stay compact.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE org (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL,
    mandate       TEXT,
    sectors       TEXT,
    regions       TEXT,
    contact_name  TEXT,
    contact_phone TEXT,
    contact_email TEXT
) STRICT;

CREATE TABLE site (
    rowid      INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    category   TEXT NOT NULL,
    lat        REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon        REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    footprint  TEXT,
    capacity   INTEGER CHECK (capacity >= 0),
    operator   TEXT REFERENCES org(id) ON UPDATE CASCADE,
    supplies   TEXT,
    population INTEGER CHECK (population >= 0),
    region     TEXT,
    tags       TEXT
) STRICT;
CREATE INDEX site_category ON site(category);
CREATE INDEX site_operator ON site(operator);

CREATE VIRTUAL TABLE site_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);

CREATE TABLE dep (
    site             INTEGER NOT NULL REFERENCES site(rowid) ON DELETE CASCADE,
    supplier         INTEGER NOT NULL REFERENCES site(rowid) ON DELETE CASCADE,
    service          TEXT NOT NULL,
    kind             INTEGER NOT NULL CHECK (kind IN (0, 1)),
    redundancy_group TEXT,
    buffer_hours     REAL NOT NULL DEFAULT 0 CHECK (buffer_hours >= 0),
    directed         INTEGER NOT NULL DEFAULT 0 CHECK (directed IN (0, 1)),
    PRIMARY KEY (site, supplier, service, kind),
    CHECK (site <> supplier)
) STRICT, WITHOUT ROWID;
CREATE INDEX dep_supplier ON dep(supplier);

CREATE TABLE role (
    org         TEXT NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    site        INTEGER NOT NULL REFERENCES site(rowid) ON DELETE CASCADE,
    phase       TEXT NOT NULL,
    description TEXT,
    PRIMARY KEY (org, site, phase)
) STRICT, WITHOUT ROWID;
CREATE INDEX role_site ON role(site);

CREATE TABLE designation_run (
    id               INTEGER PRIMARY KEY,
    at               TEXT NOT NULL,
    pack_id          TEXT NOT NULL,
    pack_version     TEXT NOT NULL,
    pack_hash        TEXT NOT NULL,
    criteria_version TEXT NOT NULL,
    sites_considered INTEGER NOT NULL,
    designated       INTEGER NOT NULL
) STRICT;

CREATE TABLE designation (
    run      INTEGER NOT NULL REFERENCES designation_run(id) ON DELETE CASCADE,
    site     TEXT NOT NULL,
    tier     TEXT,
    critical INTEGER NOT NULL CHECK (critical IN (0, 1)),
    reasons  TEXT NOT NULL,
    PRIMARY KEY (run, site)
) STRICT, WITHOUT ROWID;
