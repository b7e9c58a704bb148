-- 005: accounts of `bulwark serve`. A user belongs to one organisation of the register
-- and has one role; the password is kept only as an argon2id string (libsodium's
-- crypto_pwhash_str, which carries its own salt and parameters). Session and API
-- tokens are kept only as the hex BLAKE2b-256 hash of the token: the token itself is
-- shown to its holder once and never stored. Login attempts are kept for throttling
-- (per account and per address) and pruned by age. Times are ISO 8601 UTC text
-- (YYYY-MM-DDTHH:MM:SSZ), which orders as time does; login attempts use Unix seconds
-- because throttling only ever compares them.

CREATE TABLE user (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    org           TEXT NOT NULL REFERENCES org(id),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'operator', 'responder',
                                                'assessor', 'viewer')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created       TEXT NOT NULL
) STRICT;

CREATE TABLE token (
    id      INTEGER PRIMARY KEY,
    hash    TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
    user    INTEGER NOT NULL REFERENCES user(id),
    kind    TEXT NOT NULL CHECK (kind IN ('session', 'api')),
    created TEXT NOT NULL,
    expires TEXT NOT NULL,
    revoked TEXT
) STRICT;
CREATE INDEX token_user ON token(user);

CREATE TABLE login_attempt (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    name    TEXT NOT NULL,
    address TEXT NOT NULL,
    ok      INTEGER NOT NULL CHECK (ok IN (0, 1))
) STRICT;
CREATE INDEX login_attempt_name ON login_attempt(name, at);
CREATE INDEX login_attempt_address ON login_attempt(address, at);
