-- 008: the national action plan (docs/plan.md). Objectives hold actions; an action has
-- a lead organisation and supporting organisations (references into the register), the
-- framework indicators it serves (indicator ids of the pack, checked by the program),
-- the sites it concerns, milestones, a budget (capital and yearly), what was spent, a
-- status and a progress. Every change of status or progress is also kept in
-- plan_update, which is history: rows are only added (the triggers refuse UPDATE and
-- DELETE). `origin` says where an objective or action came from ("framework:<cycle>",
-- "portfolio:<id>", "manual"), so that `plan generate` does not generate twice.
CREATE TABLE plan_objective (
    id      INTEGER PRIMARY KEY,
    title   TEXT NOT NULL CHECK (length(title) >= 1),
    area    TEXT,
    origin  TEXT NOT NULL,
    created TEXT NOT NULL
) STRICT;

CREATE TABLE plan_action (
    id        INTEGER PRIMARY KEY,
    objective INTEGER NOT NULL REFERENCES plan_objective(id),
    title     TEXT NOT NULL CHECK (length(title) >= 1),
    lead      TEXT REFERENCES org(id),
    due       TEXT CHECK (due IS NULL OR due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    status    TEXT NOT NULL CHECK (status IN ('planned', 'in-progress', 'blocked', 'done',
                                              'cancelled')),
    progress  INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
    capital   REAL NOT NULL CHECK (capital >= 0),
    yearly    REAL NOT NULL CHECK (yearly >= 0),
    spent     REAL NOT NULL CHECK (spent >= 0),
    priority  TEXT CHECK (priority IS NULL OR priority IN ('high', 'medium', 'low')),
    origin    TEXT NOT NULL,
    note      TEXT,
    created   TEXT NOT NULL
) STRICT;
CREATE INDEX plan_action_objective ON plan_action(objective);

CREATE TABLE plan_action_support (
    action INTEGER NOT NULL REFERENCES plan_action(id),
    org    TEXT NOT NULL REFERENCES org(id),
    PRIMARY KEY (action, org)
) STRICT, WITHOUT ROWID;

CREATE TABLE plan_action_indicator (
    action    INTEGER NOT NULL REFERENCES plan_action(id),
    indicator TEXT NOT NULL,
    PRIMARY KEY (action, indicator)
) STRICT, WITHOUT ROWID;

CREATE TABLE plan_action_site (
    action INTEGER NOT NULL REFERENCES plan_action(id),
    site   TEXT NOT NULL REFERENCES site(id),
    PRIMARY KEY (action, site)
) STRICT, WITHOUT ROWID;

CREATE TABLE plan_milestone (
    id     INTEGER PRIMARY KEY,
    action INTEGER NOT NULL REFERENCES plan_action(id),
    date   TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    title  TEXT NOT NULL CHECK (length(title) >= 1),
    done   INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
) STRICT;
CREATE INDEX plan_milestone_action ON plan_milestone(action, date);

CREATE TABLE plan_update (
    id       INTEGER PRIMARY KEY,
    action   INTEGER NOT NULL REFERENCES plan_action(id),
    date     TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    who      TEXT,
    status   TEXT NOT NULL,
    progress INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
    spent    REAL NOT NULL CHECK (spent >= 0),
    note     TEXT,
    at       TEXT NOT NULL
) STRICT;
CREATE INDEX plan_update_date ON plan_update(date, id);

CREATE TRIGGER plan_update_append_only_update BEFORE UPDATE ON plan_update
BEGIN
    SELECT RAISE(ABORT, 'plan_update is history: add an update instead of changing one');
END;
CREATE TRIGGER plan_update_append_only_delete BEFORE DELETE ON plan_update
BEGIN
    SELECT RAISE(ABORT, 'plan_update is history: add an update instead of deleting one');
END;
