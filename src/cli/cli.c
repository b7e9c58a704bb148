/*
 * cli.c — shared plumbing of the command line: database and pack opening, messages,
 * JSON printing and the progress bar.
 *
 * The progress bar is drawn only when stderr is a terminal, so scripts and CI logs get
 * clean output; it redraws at most ten times a second.
 */
#include "cli.h"
#include "alloc.h"
#include "cascade.h"

#include <ctype.h>
#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef BW_SOURCE_DIR
#define BW_SOURCE_DIR "."
#endif

const char *cli_db_path(const char *opt)
{
    const char *env = getenv("BULWARK_DB");
    if (opt && *opt)
        return opt;
    if (env && *env)
        return env;
    return "bulwark.db";
}

const char *cli_home(void)
{
    const char *env = getenv("BULWARK_HOME");
    return env && *env ? env : BW_SOURCE_DIR;
}

int cli_fail(const struct bw_diag *d)
{
    char buf[1024];
    fprintf(stderr, "bulwark: %s\n", bw_diag_format(d, buf, sizeof buf));
    return 1;
}

int cli_failf(const char *fmt, ...)
{
    va_list ap;
    fputs("bulwark: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

int cli_help(const char *usage)
{
    fputs(usage, stdout);
    return 0;
}

int cli_usage(const char *usage, const char *why)
{
    if (why)
        fprintf(stderr, "bulwark: %s\n", why);
    fputs(usage, stderr);
    return 2;
}

const char *cli_actor(char out[CLI_ACTOR_SIZE])
{
    const struct passwd *pw = getpwuid(geteuid());
    const char *user = getenv("USER");

    if (pw && pw->pw_name && *pw->pw_name)
        snprintf(out, CLI_ACTOR_SIZE, "cli:%.256s", pw->pw_name);
    else if (user && *user)
        snprintf(out, CLI_ACTOR_SIZE, "cli:%.256s", user);
    else
        snprintf(out, CLI_ACTOR_SIZE, "cli:uid%lu", (unsigned long)geteuid());
    return out;
}

/* Attributes the handle's writes to cli_actor() in the audit log. */
static int set_cli_actor(bw_store *s)
{
    char actor[CLI_ACTOR_SIZE];
    return bw_store_set_actor(s, cli_actor(actor), NULL);
}

int cli_open(const char *db, int need_pack, bw_store **s, bw_pack **pack)
{
    struct bw_diag d;
    int rc;

    bw_diag_clear(&d);
    *s = NULL;
    *pack = NULL;
    /* Commands that read the register must not create an empty database by accident
     * (a typo in --db would otherwise leave a stray file behind). */
    if (need_pack && access(db, F_OK) != 0)
        return cli_failf("%s: no such database (create it with `bulwark init` or "
                         "`bulwark demo`)", db);
    rc = bw_store_open(db, &d, s);
    if (rc)
        return cli_fail(&d);
    if (set_cli_actor(*s)) {
        bw_store_close(*s);
        *s = NULL;
        return cli_failf("out of memory");
    }
    rc = bw_store_pack_get(*s, &d, pack);
    if (rc == BW_ENOTFOUND && !need_pack)
        return 0;
    if (rc) {
        bw_diag_file(&d, db);
        bw_store_close(*s);
        *s = NULL;
        return cli_fail(&d);
    }
    return 0;
}

void cli_close(bw_store *s, bw_pack *pack)
{
    bw_pack_free(pack);
    bw_store_close(s);
}

void cli_today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

json_t *cli_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *cli_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

int cli_json_print(json_t *j)
{
    int rc;
    if (!j)
        return cli_failf("out of memory");
    rc = json_dumpf(j, stdout, JSON_INDENT(2));
    json_decref(j);
    fputc('\n', stdout);
    return rc ? 1 : 0;
}

/* Draws "[#####     ]  42%  done/total unit" on stderr, at most ten times a second,
 * only when stderr is a terminal. */
static void draw_bar(size_t done, size_t total, size_t shift, const char *unit)
{
    static struct timespec last;
    struct timespec now;
    const int width = 40;
    int fill;

    if (!isatty(STDERR_FILENO) || total == 0)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (done < total && (now.tv_sec - last.tv_sec) * 1000000000L + (now.tv_nsec - last.tv_nsec) <
                            100000000L)
        return;
    last = now;
    fill = (int)((double)done / (double)total * width);
    fprintf(stderr, "\r[%.*s%*s] %3d%%  %zu/%zu %s", fill,
            "########################################", width - fill, "",
            (int)((double)done * 100.0 / (double)total), done >> shift, total >> shift, unit);
    if (done >= total)
        fputc('\n', stderr);
    fflush(stderr);
}

void cli_progress_stage(void *ud, const char *stage, size_t done, size_t total)
{
    (void)ud;
    draw_bar(done, total, 0, stage);
}

void cli_progress(void *ud, size_t done, size_t total)
{
    (void)ud;
    draw_bar(done, total, 20, "MB");
}

void cli_progress_count(void *ud, size_t done, size_t total)
{
    (void)ud;
    draw_bar(done, total, 0, "sites");
}

/* Stands in for the sign of a negative number while getopt runs (see cli_getopt). */
#define HIDDEN_MINUS '\x1f'

static int looks_negative(const char *s, char sign)
{
    return s[0] == sign && (isdigit((unsigned char)s[1]) ||
                            (s[1] == '.' && isdigit((unsigned char)s[2])));
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
    char spec[64];
    int c;

    snprintf(spec, sizeof spec, ":%s", shortopts);
    opterr = 0;
    /* "-16.5" is a coordinate, not a cluster of short options (no command has a digit
     * option): hide its sign from getopt for the call, so `sites near -33.9 151.2 500`
     * works wherever the options are. */
    for (int i = 1; i < argc; i++)
        if (looks_negative(argv[i], '-'))
            argv[i][0] = HIDDEN_MINUS;
    c = getopt_long(argc, argv, spec, longopts, NULL);
    for (int i = 1; i < argc; i++)
        if (looks_negative(argv[i], HIDDEN_MINUS))
            argv[i][0] = '-';
    return c;
}

int cli_read_file(const char *path, size_t max, char **out, size_t *n)
{
    FILE *f = fopen(path, "rb");
    long len;
    char *p;

    *out = NULL;
    *n = 0;
    if (!f)
        return cli_failf("%s: cannot open file", path);
    if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || (size_t)len > max) {
        fclose(f);
        return cli_failf("%s: cannot read, or larger than %zu bytes", path, max);
    }
    rewind(f);
    p = bw_malloc((size_t)len + 1);
    if (!p || fread(p, 1, (size_t)len, f) != (size_t)len) {
        bw_free(p);
        fclose(f);
        return cli_failf("%s: read failed", path);
    }
    fclose(f);
    p[len] = '\0';
    *out = p;
    *n = (size_t)len;
    return 0;
}

int cli_store_pack(bw_store *s, const char *dir, bw_pack **out)
{
    struct bw_diag d;
    char *bundle = NULL;
    int rc;

    *out = NULL;
    bw_diag_clear(&d);
    if ((rc = bw_pack_read_dir(dir, &d, &bundle)) ||
        (rc = bw_pack_parse(bundle, strlen(bundle), &d, out))) {
        bw_free(bundle);
        return cli_fail(&d);
    }
    rc = bw_store_begin(s);
    if (!rc) {
        rc = bw_store_pack_set(s, bundle);
        rc = rc ? rc : bw_store_commit(s);
        if (rc)
            bw_store_rollback(s);
    }
    bw_free(bundle);
    if (rc) {
        bw_pack_free(*out);
        *out = NULL;
        return cli_failf("cannot store the pack: %s", bw_strerror(rc));
    }
    return 0;
}

int cli_graph_load(bw_store *s, const bw_pack *p, struct bw_arena *a,
                   struct bw_graph_data *data, bw_graph **g)
{
    struct bw_diag d;
    size_t ns;

    bw_diag_clear(&d);
    *g = NULL;
    bw_pack_services(p, &ns);
    if (bw_store_graph_load(s, p, a, data, &d))
        return cli_fail(&d);
    if (bw_graph_new(data->n, (uint32_t)ns, data->supplies, data->population, data->deps,
                     data->ndeps, &d, g)) {
        bw_graph_data_release(data);
        return cli_fail(&d);
    }
    return 0;
}

int cli_service(const bw_pack *p, const char *name, int *out)
{
    size_t ns;
    const struct bw_term *svc = bw_pack_services(p, &ns);

    *out = BW_ALL_SERVICES;
    if (!name || strcmp(name, "all") == 0)
        return 0;
    for (size_t i = 0; i < ns; i++)
        if (strcmp(svc[i].id, name) == 0) {
            *out = (int)i;
            return 0;
        }
    return cli_failf("unknown service '%s' (see bulwark taxonomy list)", name);
}

int cli_principal(bw_store *s, const char *name, struct bw_arena *a, struct bw_principal *p,
                  struct bw_diag *d)
{
    struct bw_user u;
    int rc = bw_store_user_get(s, name, a, &u);

    if (rc == BW_ENOTFOUND)
        return bw_diag_set(d, rc, "as", "no user '%s'", name ? name : "");
    if (rc)
        return bw_diag_set(d, rc, "as", "reading user '%s'", name ? name : "");
    if (u.disabled)
        return bw_diag_set(d, BW_EDENIED, "as", "user '%s' is disabled", name);
    memset(p, 0, sizeof *p);
    p->user_id = u.id;
    p->user = u.name;
    p->org = u.org;
    p->role = u.role;
    p->token_id = -1;
    p->token_kind = "cli";
    return BW_OK;
}
