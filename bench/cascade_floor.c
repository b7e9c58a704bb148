/*
 * cascade_floor.c — SQLite's own floor under bw_store_graph_load.
 *
 * Opens DB read-only with plain SQLite (the same page cache and memory-map settings as
 * the store, the same default threading mode, one read transaction) and runs the three
 * scans bw_store_graph_load makes (src/store/store_graph.c), reading every column the
 * way the load reads it but doing nothing with the values:
 *   1. SELECT rowid,id FROM site ORDER BY id              (the covering index on id)
 *   2. SELECT rowid,category,supplies,ifnull(population,0) FROM site   (table scan)
 *   3. SELECT site,supplier,service,redundancy_group,buffer_hours,
 *             kind|(directed<<1)|(needs<<2) FROM dep            (table scan)
 * and, for comparison, the dependency scan stepping only (no column read) and reading
 * only the two integer columns. Each scan runs --repeat times (default 3); the fastest
 * wall time and its CPU time are printed, and "RESULT floor_<name>_s" lines for
 * bench/run-cascade.sh. What the load spends above the sum of scans 1–3 is its own work.
 *
 * usage: cascade_floor DB [--repeat N]
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clk(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Column reading per result column: i integer, b bytes (blob pointer and length),
 * d double, - nothing. */
struct scan {
    const char *name, *sql, *cols;
};

static int run(sqlite3 *db, const struct scan *sc, int repeat, double *best_wall, double *best_cpu,
               long *rows_out)
{
    *best_wall = 1e30;
    *best_cpu = 0;
    for (int r = 0; r < repeat; r++) {
        sqlite3_stmt *q;
        double w, c;
        uint64_t acc = 0;
        long rows = 0;
        size_t nc = strlen(sc->cols);
        if (sqlite3_prepare_v2(db, sc->sql, -1, &q, NULL) != SQLITE_OK) {
            fprintf(stderr, "cascade_floor: %s: %s\n", sc->sql, sqlite3_errmsg(db));
            return 1;
        }
        w = clk(CLOCK_MONOTONIC);
        c = clk(CLOCK_PROCESS_CPUTIME_ID);
        while (sqlite3_step(q) == SQLITE_ROW) {
            rows++;
            for (size_t i = 0; i < nc; i++) {
                int col = (int)i;
                switch (sc->cols[i]) {
                case 'i':
                    acc += (uint64_t)sqlite3_column_int64(q, col);
                    break;
                case 'b': {
                    const unsigned char *p = sqlite3_column_blob(q, col);
                    acc += (p ? p[0] : 0) + (uint64_t)sqlite3_column_bytes(q, col);
                    break;
                }
                case 'd':
                    acc += (uint64_t)sqlite3_column_double(q, col);
                    break;
                default:
                    break;
                }
            }
        }
        w = clk(CLOCK_MONOTONIC) - w;
        c = clk(CLOCK_PROCESS_CPUTIME_ID) - c;
        sqlite3_finalize(q);
        if (w < *best_wall) {
            *best_wall = w;
            *best_cpu = c;
        }
        *rows_out = rows;
        if (acc == 42) /* keep the reads */
            fputc(' ', stderr);
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct scan scans[] = {
        {"sites_ids", "SELECT rowid,id FROM site ORDER BY id", "ib"},
        {"sites_rest", "SELECT rowid,category,supplies,ifnull(population,0) FROM site", "ibbi"},
        {"deps",
         "SELECT site,supplier,service,redundancy_group,buffer_hours,"
         "kind|(directed<<1)|(needs<<2) FROM dep",
         "iibbdi"},
        {"deps_step_only",
         "SELECT site,supplier,service,redundancy_group,buffer_hours,"
         "kind|(directed<<1)|(needs<<2) FROM dep",
         "------"},
        {"deps_two_ints", "SELECT site,supplier FROM dep", "ii"},
    };
    const char *path = NULL;
    int repeat = 3;
    sqlite3 *db = NULL;
    double total = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = (int)strtol(argv[++i], NULL, 10);
        else if (!path)
            path = argv[i];
    }
    if (!path || repeat < 1) {
        fprintf(stderr, "usage: cascade_floor DB [--repeat N]\n");
        return 2;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824; BEGIN", NULL, NULL,
                     NULL) != SQLITE_OK) {
        fprintf(stderr, "cascade_floor: %s: %s\n", path, db ? sqlite3_errmsg(db) : "open");
        return 1;
    }
    for (size_t i = 0; i < sizeof scans / sizeof scans[0]; i++) {
        double w = 0, c = 0;
        long rows = 0;
        if (run(db, &scans[i], repeat, &w, &c, &rows))
            return 1;
        printf("floor %-15s %8ld rows  %.3f s wall  %.3f s cpu  (%.0f ns per row)  %s\n",
               scans[i].name, rows, w, c, rows ? w * 1e9 / (double)rows : 0.0, scans[i].sql);
        printf("RESULT floor_%s_s %.6g\n", scans[i].name, w);
        if (i < 3)
            total += w;
    }
    printf("floor: the load's three scans take %.3f s in SQLite alone\n", total);
    printf("RESULT floor_load_s %.6g\n", total);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    return 0;
}
