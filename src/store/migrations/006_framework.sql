-- 006: the national framework assessment (docs/data-model.md). One fw_assessment per
-- cycle or visit, named by a unique cycle; its answers are history: every answer given
-- is kept (rows are only added; the triggers refuse UPDATE and DELETE), and the current
-- answer to an indicator is its latest row (highest id). `indicator` is an indicator id
-- of the pack's framework part (checked by the program, as categories are).
CREATE TABLE fw_assessment (
    id           INTEGER PRIMARY KEY,
    cycle        TEXT NOT NULL UNIQUE CHECK (length(cycle) BETWEEN 1 AND 128),
    created      TEXT NOT NULL,
    pack_version TEXT NOT NULL
) STRICT;

CREATE TABLE fw_answer (
    id         INTEGER PRIMARY KEY,
    assessment INTEGER NOT NULL REFERENCES fw_assessment(id),
    indicator  TEXT NOT NULL CHECK (length(indicator) BETWEEN 1 AND 128),
    level      INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
    evidence   TEXT,
    files      TEXT,
    assessor   TEXT,
    date       TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    at         TEXT NOT NULL
) STRICT;
CREATE INDEX fw_answer_current ON fw_answer(assessment, indicator, id);

CREATE TRIGGER fw_answer_append_only_update BEFORE UPDATE ON fw_answer
BEGIN
    SELECT RAISE(ABORT, 'fw_answer is history: give a new answer instead of changing one');
END;
CREATE TRIGGER fw_answer_append_only_delete BEFORE DELETE ON fw_answer
BEGIN
    SELECT RAISE(ABORT, 'fw_answer is history: give a new answer instead of deleting one');
END;
