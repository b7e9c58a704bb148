-- 002: k-of-n redundancy. `needs` is how many suppliers of a redundancy group must
-- have the service for the dependant to have it (docs/cascade.md); 1 = any one of them.
ALTER TABLE dep ADD COLUMN needs INTEGER NOT NULL DEFAULT 1 CHECK (needs BETWEEN 1 AND 1000);
