/*
 * cmd_designate.c — `bulwark designate`: apply the pack's criteria to the register,
 * record the decisions with their reasons, the date and the pack version, and show
 * what changed since the previous run.
 *
 * Decisions come out in site-id order, and the previous run's decisions are read in
 * the same order, so the comparison is one merge pass.
 */
#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "cli.h"
#include "designate.h"

#include <string.h>
#include <time.h>

static const char usage[] =
    "usage: bulwark designate [--dry-run] [--json] [--db FILE]\n\n"
    "Applies the designation criteria of the stored pack (capacity tiers and critical-\n"
    "infrastructure significance criteria) to every site, records the run (date, pack\n"
    "version and hash, every designated site with its reasons) and lists what changed\n"
    "since the previous run.\n\n"
    "  --dry-run   compute and compare, but record nothing\n"
    "  --json      machine-readable output: run, counts, changes, decisions\n";

struct dec_list {
    struct bw_decision *v;
    size_t n, cap;
    struct bw_arena a;
};

static int list_add(struct dec_list *l, const char *site, const char *tier, int critical,
                    const char *reasons)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        struct bw_decision *v = bw_realloc(l->v, cap * sizeof *v);
        if (!v)
            return BW_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].site = bw_arena_strndup(&l->a, site, strlen(site));
    l->v[l->n].tier = tier ? bw_arena_strndup(&l->a, tier, strlen(tier)) : NULL;
    l->v[l->n].critical = critical;
    l->v[l->n].reasons = bw_arena_strndup(&l->a, reasons, strlen(reasons));
    if (!l->v[l->n].site || !l->v[l->n].reasons || (tier && !l->v[l->n].tier))
        return BW_ENOMEM;
    l->n++;
    return BW_OK;
}

struct run_ctx {
    const bw_pack *p;
    struct dec_list now;
    struct bw_buf reasons;
    int64_t considered;
};

static int on_site(void *ud, const struct bw_site *s, const struct bw_site_links *l)
{
    struct run_ctx *x = ud;
    struct bw_designation d;
    int rc;

    x->considered++;
    bw_buf_reset(&x->reasons);
    if ((rc = bw_designate_site(x->p, s, l, &d, &x->reasons)))
        return rc;
    if (!d.designated)
        return 0;
    return list_add(&x->now, s->id, d.tier ? d.tier->id : NULL, d.critical,
                    bw_buf_cstr(&x->reasons));
}

static int on_prev(void *ud, const struct bw_decision *d)
{
    return list_add(ud, d->site, d->tier, d->critical, d->reasons);
}

static void describe(char *buf, size_t n, const struct bw_decision *d)
{
    snprintf(buf, n, "%s%s%s", d->tier ? d->tier : "", d->tier && d->critical ? "+" : "",
             d->critical ? "critical" : "");
}

int cmd_designate(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, CLI_OPT_DB},
                                         {"json", no_argument, NULL, CLI_OPT_JSON},
                                         {"dry-run", no_argument, NULL, 'n'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL;
    int json = 0, dry = 0, c, rc;
    struct run_ctx x = {0};
    struct dec_list prev = {0};
    struct bw_arena ra;
    struct bw_designation_run run = {0}, last = {0};
    int have_last;
    char at[32];
    time_t now = time(NULL);
    bw_store *s;
    bw_pack *p;
    json_t *changes = json_array(), *decisions = json_array();
    size_t i = 0, j = 0, added = 0, removed = 0, changed = 0, critical = 0;

    while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db = optarg; break;
        case CLI_OPT_JSON: json = 1; break;
        case 'n': dry = 1; break;
        case 'h':
            json_decref(changes);
            json_decref(decisions);
            return cli_help(usage);
        default:
            json_decref(changes);
            json_decref(decisions);
            return cli_usage(usage, "unknown option");
        }
    }
    if (optind != argc) {
        json_decref(changes);
        json_decref(decisions);
        return cli_usage(usage, "designate takes no arguments");
    }
    if (cli_open(cli_db_path(db), 1, &s, &p)) {
        json_decref(changes);
        json_decref(decisions);
        return 1;
    }
    x.p = p;
    bw_arena_init(&x.now.a, 64 * 1024);
    bw_arena_init(&prev.a, 64 * 1024);
    bw_arena_init(&ra, 4096);
    bw_buf_init(&x.reasons, 1u << 20);
    rc = bw_store_sites_links_each(s, on_site, &x);
    have_last = rc == 0 && bw_store_designation_run(s, 0, &ra, &last) == 0;
    if (!rc && have_last)
        rc = bw_store_designation_each(s, last.id, on_prev, &prev);
    if (rc) {
        rc = cli_failf("designation failed: %s", bw_strerror(rc));
        goto out;
    }
    /* Merge the two id-ordered lists. */
    while (i < x.now.n || j < prev.n) {
        int cmp = i == x.now.n ? 1 : j == prev.n ? -1 : strcmp(x.now.v[i].site, prev.v[j].site);
        char a[64], b[64];
        if (cmp < 0) {
            describe(a, sizeof a, &x.now.v[i]);
            json_array_append_new(changes, json_pack("{s:s,s:s,s:s}", "site", x.now.v[i].site,
                                                     "change", "designated", "now", a));
            added++;
            i++;
        } else if (cmp > 0) {
            describe(b, sizeof b, &prev.v[j]);
            json_array_append_new(changes, json_pack("{s:s,s:s,s:s}", "site", prev.v[j].site,
                                                     "change", "no longer designated", "was", b));
            removed++;
            j++;
        } else {
            describe(a, sizeof a, &x.now.v[i]);
            describe(b, sizeof b, &prev.v[j]);
            if (strcmp(a, b) != 0) {
                json_array_append_new(changes,
                                      json_pack("{s:s,s:s,s:s,s:s}", "site", x.now.v[i].site,
                                                "change", "changed", "was", b, "now", a));
                changed++;
            }
            i++;
            j++;
        }
    }
    for (i = 0; i < x.now.n; i++) {
        json_t *r = json_loads(x.now.v[i].reasons, 0, NULL);
        critical += (size_t)x.now.v[i].critical;
        json_array_append_new(decisions,
                              json_pack("{s:s,s:s?,s:b,s:o}", "site", x.now.v[i].site, "tier",
                                        x.now.v[i].tier, "critical", x.now.v[i].critical,
                                        "reasons", r ? r : json_array()));
    }
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    run = (struct bw_designation_run){0, at, bw_pack_id(p), bw_pack_version(p), bw_pack_hash(p),
                                      bw_pack_criteria_version(p), x.considered,
                                      (int64_t)x.now.n};
    if (!dry) {
        rc = bw_store_begin(s);
        if (!rc)
            rc = bw_store_designation_save(s, &run, x.now.v, x.now.n);
        if (!rc)
            rc = bw_store_commit(s);
        if (rc) {
            bw_store_rollback(s);
            rc = cli_failf("cannot record the designation run: %s", bw_strerror(rc));
            goto out;
        }
    }
    if (json) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:b,s:O,s:O}", "at",
                              at, "pack", bw_pack_id(p), "pack_version", bw_pack_version(p),
                              "pack_hash", bw_pack_hash(p), "criteria_version",
                              bw_pack_criteria_version(p), "sites_considered",
                              (json_int_t)x.considered, "designated", (json_int_t)x.now.n,
                              "critical", (json_int_t)critical, "added", (json_int_t)added,
                              "removed", (json_int_t)removed, "changed", (json_int_t)changed,
                              "recorded", !dry, "changes", changes, "decisions", decisions);
        if (!dry)
            json_object_set_new(o, "run", json_integer(run.id));
        if (have_last)
            json_object_set_new(o, "previous_run", json_integer(last.id));
        rc = cli_json_print(o);
    } else {
        size_t tiers = 0;
        const struct bw_tier *t = bw_pack_tiers(p, &tiers);
        if (dry)
            printf("Designation (dry run, nothing recorded): ");
        else
            printf("Designation run %lld: ", (long long)run.id);
        printf("%lld sites considered, %zu designated (pack %s %s, criteria %s)\n",
               (long long)x.considered, x.now.n, bw_pack_id(p), bw_pack_version(p),
               bw_pack_criteria_version(p));
        for (size_t k = 0; k < tiers; k++) {
            size_t cnt = 0;
            for (i = 0; i < x.now.n; i++)
                cnt += x.now.v[i].tier && strcmp(x.now.v[i].tier, t[k].id) == 0;
            printf("  %-12s %6zu  (capacity >= %lld)\n", t[k].id, cnt,
                   (long long)t[k].min_capacity);
        }
        printf("  %-12s %6zu  (critical-infrastructure criteria met)\n", "critical", critical);
        if (!have_last) {
            printf("First run: nothing to compare with.\n");
        } else {
            json_t *v;
            printf("Since run %lld (%s): %zu newly designated, %zu no longer designated, %zu "
                   "changed\n",
                   (long long)last.id, last.at, added, removed, changed);
            json_array_foreach(changes, i, v) {
                if (i == 50) {
                    printf("  ... and %zu more (see --json)\n", json_array_size(changes) - 50);
                    break;
                }
                printf("  %-26s %-22s %s%s%s\n", json_string_value(json_object_get(v, "site")),
                       json_string_value(json_object_get(v, "change")),
                       json_object_get(v, "was") ? json_string_value(json_object_get(v, "was"))
                                                 : "",
                       json_object_get(v, "was") && json_object_get(v, "now") ? " -> " : "",
                       json_object_get(v, "now") ? json_string_value(json_object_get(v, "now"))
                                                 : "");
            }
        }
        rc = 0;
    }
out:
    json_decref(changes);
    json_decref(decisions);
    bw_free(x.now.v);
    bw_free(prev.v);
    bw_arena_release(&x.now.a);
    bw_arena_release(&prev.a);
    bw_arena_release(&ra);
    bw_buf_release(&x.reasons);
    cli_close(s, p);
    return rc;
}
