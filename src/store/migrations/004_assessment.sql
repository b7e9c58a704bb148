-- 004: risk-assessment runs and the national risk register they produce. A run is kept
-- with what it was computed from (pack, hash of the inputs, seed, trials) and how long
-- it took; its results are one row per site x threat type. Site ids are kept as text,
-- not as references, so a run stays readable after the register changes.

CREATE TABLE assess_run (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    pack_id      TEXT NOT NULL,
    pack_version TEXT NOT NULL,
    pack_hash    TEXT NOT NULL,
    inputs_hash  TEXT NOT NULL,
    levels_date  TEXT NOT NULL,
    cascade      INTEGER NOT NULL CHECK (cascade IN (0, 1)),
    seed         INTEGER NOT NULL,
    trials       INTEGER NOT NULL CHECK (trials >= 0),
    threads      INTEGER NOT NULL CHECK (threads >= 1),
    sites        INTEGER NOT NULL,
    threats      INTEGER NOT NULL,
    elapsed_s    REAL NOT NULL,
    note         TEXT
) STRICT;

CREATE TABLE assess_result (
    run              INTEGER NOT NULL REFERENCES assess_run(id) ON DELETE CASCADE,
    site             TEXT NOT NULL,
    threat           TEXT NOT NULL,
    likelihood       REAL NOT NULL,
    vulnerability    REAL NOT NULL,
    consequence      REAL NOT NULL,
    risk             REAL NOT NULL,
    conditional_risk REAL NOT NULL,
    risk_p5          REAL, -- NULL when the run had no Monte Carlo trials
    risk_p50         REAL,
    risk_p95         REAL,
    fatalities       REAL NOT NULL,
    injuries         REAL NOT NULL,
    outage_ph        REAL NOT NULL,
    economic         REAL NOT NULL,
    symbolic         REAL NOT NULL,
    PRIMARY KEY (run, site, threat)
) STRICT, WITHOUT ROWID;
CREATE INDEX assess_result_risk ON assess_result(run, risk DESC);
