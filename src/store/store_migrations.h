/*
 * store_migrations.h — library-internal: the schema migrations, embedded at build time
 * from src/store/migrations/NNN_*.sql. Migration i (0-based) takes the schema from
 * version i to i + 1; they only ever move forward.
 */
#ifndef BW_STORE_MIGRATIONS_H
#define BW_STORE_MIGRATIONS_H

extern const char *const bw__store_migrations[];
extern const unsigned bw__store_nmigrations;

#endif
