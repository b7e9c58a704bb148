-- 007: risk-reduction portfolios (`bulwark optimise`, docs/optimise.md). A run keeps the
-- budgets it was chosen for, what it spends and the national risk before and after, the
-- constraints used (JSON) and the assessment run it was computed from; its items are
-- one row per measure chosen at a site. Site and measure ids are kept as text, not as
-- references, so a portfolio stays readable after the register or the pack changes.

CREATE TABLE portfolio_run (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    assess_run   INTEGER NOT NULL,
    budget       REAL NOT NULL CHECK (budget >= 0),
    yearly       REAL NOT NULL,          -- < 0: no yearly budget
    capital_used REAL NOT NULL CHECK (capital_used >= 0),
    yearly_used  REAL NOT NULL CHECK (yearly_used >= 0),
    risk_before  REAL NOT NULL,
    risk_after   REAL NOT NULL,
    options      TEXT NOT NULL
) STRICT;

CREATE TABLE portfolio_item (
    run         INTEGER NOT NULL REFERENCES portfolio_run(id) ON DELETE CASCADE,
    site        TEXT NOT NULL,
    measure     TEXT NOT NULL,
    capital     REAL NOT NULL CHECK (capital >= 0),
    yearly      REAL NOT NULL CHECK (yearly >= 0),
    risk_before REAL NOT NULL,
    risk_after  REAL NOT NULL,
    reduction   REAL NOT NULL,
    PRIMARY KEY (run, site, measure)
) STRICT, WITHOUT ROWID;
CREATE INDEX portfolio_item_reduction ON portfolio_item(run, reduction DESC);
