/*
 * cmd_effects.c — `bulwark effects`: the physical-effects models from the command line.
 *
 * Sub-commands: blast (Kingery–Bulmash outputs at a distance, or the distance for an
 * overpressure), radii (the distance of every injury and damage threshold), standoff
 * (an NCTC chart row and the blast at its distances), crowd, ramming, firearms and uas.
 * The formulas are in src/method/effects.c; the thresholds, charts and assumptions come
 * from the pack's "effects" part. The pack is the database's when a database is named
 * (--db, $BULWARK_DB) or ./bulwark.db exists, else the bundled packs/default, so the
 * calculators work before `bulwark init`; --json output names the pack used.
 *
 * Bad values (a negative charge, a distance outside a fit, an unknown threat) print
 * the option at fault and exit 1; wrong usage (unknown or missing options) exits 2.
 */
#include "alloc.h"
#include "cli.h"
#include "effects.h"
#include "effects_pack.h"
#include "str.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_top[] =
    "usage: bulwark effects SUBCOMMAND [options] [--db FILE] [--json]\n\n"
    "Physical-effects models (docs/methodology.md, \"Physical effects\"):\n"
    "  blast     Kingery-Bulmash air blast of a hemispherical surface burst of TNT:\n"
    "            all outputs at --range-m, or the distance for --overpressure-kpa\n"
    "  radii     the distance of every injury and damage threshold for a charge\n"
    "  standoff  an NCTC bomb-threat stand-off chart row and the blast at its distances\n"
    "  crowd     people present, Fruin level of service, people within a radius\n"
    "  ramming   whether a rated barrier stops a vehicle; people exposed on the approach\n"
    "  firearms  time to armed response and people exposed until then\n"
    "  uas       RF detection range, warning time and reach of a drone\n\n"
    "`bulwark effects SUBCOMMAND --help` for the options of each.\n";

static const char usage_blast[] =
    "usage: bulwark effects blast --tnt-kg W (--range-m R | --overpressure-kpa P) [--json]\n\n"
    "With --range-m: incident and reflected overpressure (kPa), incident and reflected\n"
    "impulse (kPa.ms), arrival time and positive-phase duration (ms) and shock-front\n"
    "velocity (m/s) of W kg TNT (equivalent) at R metres, hemispherical surface burst\n"
    "(Kingery-Bulmash, Swisdak 1994), with the injury and damage levels reached. Outputs\n"
    "whose fit does not cover the scaled distance Z = R / W^(1/3) are shown as out of\n"
    "range, never extrapolated; the command fails when the incident overpressure is.\n"
    "With --overpressure-kpa: the distance at which the incident overpressure falls to P.\n\n"
    "  --tnt-kg W            charge, kg TNT equivalent (> 0)\n"
    "  --range-m R           distance from the charge, m (> 0)\n"
    "  --overpressure-kpa P  incident overpressure threshold, kPa (> 0)\n";

static const char usage_radii[] =
    "usage: bulwark effects radii --tnt-kg W [--json]\n\n"
    "For W kg TNT, the distance at which the incident overpressure falls to each injury\n"
    "and structural-damage threshold of the pack (methodology.md 2.4). A threshold below\n"
    "the fit's lowest pressure (0.249 kPa, at Z = 198.5) is reported as beyond the fit.\n";

static const char usage_standoff[] =
    "usage: bulwark effects standoff --threat NAME [--chart 2014|2006] [--json]\n"
    "       bulwark effects standoff --list [--chart 2014|2006] [--json]\n\n"
    "The row of the NCTC Bomb Threat Stand-Off chart for a threat (its id, e.g. sedan,\n"
    "or its name), with the blast at its two distances. --chart picks the version:\n"
    "2014 (Version A, mandatory/preferred, the default) or 2006 (Version B,\n"
    "building/outdoor). --list lists the rows.\n";

static const char usage_crowd[] =
    "usage: bulwark effects crowd [--capacity N --occupancy F] [--density D]\n"
    "                             [--radius-m R] [--area-m2 A] [--json]\n\n"
    "People present (capacity x occupancy), the Fruin walkway level of service of a\n"
    "density (persons/m2) and the critical densities it reaches, and the people within\n"
    "R metres of a point (density x pi R^2, clipped to the site's area A when given).\n";

static const char usage_ramming[] =
    "usage: bulwark effects ramming --vehicle-kg M --speed-kmh V\n"
    "                               [--barrier-kg M --barrier-kmh V --penetration-m P\n"
    "                               --standoff-m S] [--density D --approach-m L\n"
    "                               [--width-m W]] [--json]\n\n"
    "Kinetic energy of the threat vehicle and, with a barrier rating, whether the\n"
    "barrier stops it before the protected area S metres behind: stopped when the\n"
    "rating's energy and mass are at least the threat's and its penetration is at most\n"
    "S. When not stopped (or no barrier), the people exposed along the approach:\n"
    "density x length x width (width default: the pack's assumption).\n";

static const char usage_firearms[] =
    "usage: bulwark effects firearms --distance-m D [--people N] [--rate R]\n"
    "                                [--dispatch-min T] [--speed-kmh V] [--road-factor F]\n"
    "                                [--json]\n\n"
    "Minutes to armed response from a base D metres away (straight line): dispatch +\n"
    "D x road factor / speed, and the people harmed until then in an uncontained attack:\n"
    "min(N, rate x minutes). Defaults are the pack's documented assumptions (no\n"
    "published figure; replace with national data).\n";

static const char usage_uas[] =
    "usage: bulwark effects uas [--freq-mhz F] [--margin-db M] [--detection-m D]\n"
    "                           [--standoff-m S --speed-ms V] [--launch-m L --range-m R]\n"
    "                           [--json]\n\n"
    "RF detection range of a drone's link from the Friis budget of the pack (19 dBm\n"
    "EIRP, -100 dBm sensitivity; 8.7 km at 2440 MHz), less a terrain/clutter margin;\n"
    "the warning time (detection range - stand-off) / speed, with --detection-m or the\n"
    "RF range; and whether a drone with range R launched L metres away reaches the site.\n";

/* ---- shared ----------------------------------------------------------------------- */

/* Loads the pack (see the top of the file). Prints the error and returns 1 on failure. */
static int load_pack(const char *db, bw_pack **p)
{
    const char *path = cli_db_path(db);
    const char *env = getenv("BULWARK_DB");
    struct bw_diag d;
    char dir[4096], *text = NULL;
    int rc;

    *p = NULL;
    if ((db && *db) || (env && *env) || access(path, F_OK) == 0) {
        bw_store *s = NULL;
        if (cli_open(path, 1, &s, p))
            return 1;
        bw_store_close(s);
        return 0;
    }
    bw_diag_clear(&d);
    snprintf(dir, sizeof dir, "%s/packs/default", cli_home());
    if ((rc = bw_pack_read_dir(dir, &d, &text)) ||
        (rc = bw_pack_parse(text, strlen(text), &d, p))) {
        bw_free(text);
        return cli_fail(&d);
    }
    bw_free(text);
    return 0;
}

static json_t *pack_json(const bw_pack *p)
{
    return json_pack("{s:s, s:s, s:s}", "id", bw_pack_id(p), "version", bw_pack_version(p),
                     "hash", bw_pack_hash(p));
}

/* Parses option @p name's value into *v; with @p positive, requires > 0, else >= 0.
 * Prints "--name: ..." and returns 1 when it is not such a number. */
static int number(const char *name, const char *text, int positive, double *v)
{
    if (bw_parse_double(bw_str_c(text), v) || (positive ? !(*v > 0) : !(*v >= 0)))
        return cli_failf("--%s: '%s' is not a number %s", name, text, positive ? "> 0" : ">= 0");
    return 0;
}

/* Parses the sub-command's options: @p spec lists the long option names that take a
 * number ("" ends); values land in vals[i] and set[i]. --db, --json, --help and the
 * extra options of @p extra are handled by the caller via the returned code. */
struct opts {
    const char *db;
    int json, help;
};

static int parse_numbers(int argc, char **argv, const char *usage, const char *const *names,
                         const int *positive, size_t n, double *vals, int *set,
                         struct opts *o, const struct option *extra, size_t nextra,
                         const char **extra_vals, int *extra_flags)
{
    struct option longopts[32];
    size_t k = 0;
    int c;

    for (size_t i = 0; i < n; i++)
        longopts[k++] = (struct option){names[i], required_argument, NULL, 1000 + (int)i};
    for (size_t i = 0; i < nextra; i++)
        longopts[k++] = extra[i];
    longopts[k++] = (struct option){"db", required_argument, NULL, CLI_OPT_DB};
    longopts[k++] = (struct option){"json", no_argument, NULL, CLI_OPT_JSON};
    longopts[k++] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[k] = (struct option){NULL, 0, NULL, 0};
    memset(o, 0, sizeof *o);
    while ((c = cli_getopt(argc, argv, "h", longopts)) != -1) {
        if (c >= 1000 && c < 1000 + (int)n) {
            size_t i = (size_t)(c - 1000);
            if (number(names[i], optarg, positive[i], &vals[i]))
                return 1;
            set[i] = 1;
        } else if (c >= 2000 && c < 2000 + (int)nextra) {
            size_t i = (size_t)(c - 2000);
            if (extra[i].has_arg)
                extra_vals[i] = optarg;
            else
                extra_flags[i] = 1;
        } else if (c == CLI_OPT_DB) {
            o->db = optarg;
        } else if (c == CLI_OPT_JSON) {
            o->json = 1;
        } else if (c == 'h') {
            o->help = 1;
        } else if (c == ':') {
            return cli_usage(usage, "an option is missing its value");
        } else {
            return cli_usage(usage, "unknown option");
        }
    }
    if (o->help)
        return cli_help(usage) ? 1 : -1;
    if (optind != argc)
        return cli_usage(usage, "unexpected argument");
    return 0;
}

static json_t *level_json(const struct bw_blast_level *l)
{
    json_t *j;
    if (!l)
        return json_null();
    j = json_pack("{s:s, s:s, s:f, s:s}", "id", l->id, "name", l->name, "kpa", l->kpa,
                  "source", l->source);
    if (j && l->kpa_high > 0)
        json_object_set_new(j, "kpa_high", json_real(l->kpa_high));
    return j;
}

static const char *const out_label[BW_BLAST_NOUT] = {
    "incident overpressure", "reflected overpressure", "incident impulse",
    "reflected impulse",     "arrival time",           "positive-phase duration",
    "shock-front velocity"};
static const char *const out_unit[BW_BLAST_NOUT] = {"kPa", "kPa",  "kPa.ms", "kPa.ms",
                                                     "ms",  "ms", "m/s"};

/* The blast at one distance as JSON: inputs, Z, every output (null when out of range,
 * with the fit's Z range), and the injury and damage levels reached. */
static json_t *blast_json(const bw_pack *p, const struct bw_blast *b)
{
    json_t *j = json_object(), *outs = json_object(), *fit = json_object();
    size_t ni, nd;
    const struct bw_blast_level *inj = bw_pack_injury_levels(p, &ni);
    const struct bw_blast_level *dam = bw_pack_damage_levels(p, &nd);
    double pin = b->value[BW_BLAST_P_INC];

    if (!j || !outs || !fit) {
        json_decref(j);
        json_decref(outs);
        json_decref(fit);
        return NULL;
    }
    json_object_set_new(j, "tnt_kg", json_real(b->tnt_kg));
    json_object_set_new(j, "range_m", json_real(b->range_m));
    json_object_set_new(j, "z", json_real(b->z));
    for (int o = 0; o < BW_BLAST_NOUT; o++) {
        double lo, hi;
        bw_blast_fit_range((enum bw_blast_output)o, &lo, &hi);
        json_object_set_new(outs, bw_blast_output_name((enum bw_blast_output)o),
                            b->in_range[o] ? json_real(b->value[o]) : json_null());
        json_object_set_new(fit, bw_blast_output_name((enum bw_blast_output)o),
                            json_pack("[f, f]", lo, hi));
    }
    json_object_set_new(j, "outputs", outs);
    json_object_set_new(j, "fit_z_range", fit);
    json_object_set_new(j, "injury", b->in_range[BW_BLAST_P_INC]
                                         ? level_json(bw_blast_level_reached(inj, ni, pin))
                                         : json_null());
    json_object_set_new(j, "damage", b->in_range[BW_BLAST_P_INC]
                                         ? level_json(bw_blast_level_reached(dam, nd, pin))
                                         : json_null());
    return j;
}

static void blast_print(const bw_pack *p, const struct bw_blast *b, const char *indent)
{
    size_t ni, nd;
    const struct bw_blast_level *inj = bw_pack_injury_levels(p, &ni);
    const struct bw_blast_level *dam = bw_pack_damage_levels(p, &nd);
    const struct bw_blast_level *l;

    for (int o = 0; o < BW_BLAST_NOUT; o++) {
        double lo, hi;
        bw_blast_fit_range((enum bw_blast_output)o, &lo, &hi);
        if (b->in_range[o])
            printf("%s%-24s %12.4g %s\n", indent, out_label[o], b->value[o], out_unit[o]);
        else
            printf("%s%-24s %12s (fit covers Z %g-%g)\n", indent, out_label[o],
                   "out of range", lo, hi);
    }
    if (!b->in_range[BW_BLAST_P_INC])
        return;
    l = bw_blast_level_reached(inj, ni, b->value[BW_BLAST_P_INC]);
    printf("%sinjury: %s\n", indent,
           l ? l->name : "below every injury threshold of the pack");
    if (l)
        printf("%s        (%.4g kPa; %s)\n", indent, l->kpa, l->source);
    l = bw_blast_level_reached(dam, nd, b->value[BW_BLAST_P_INC]);
    printf("%sdamage: %s\n", indent, l ? l->name : "below every damage level of the pack");
    if (l)
        printf("%s        (%.4g kPa; %s)\n", indent, l->kpa, l->source);
}

/* ---- blast ----------------------------------------------------------------------- */

static int sub_blast(int argc, char **argv)
{
    static const char *const names[] = {"tnt-kg", "range-m", "overpressure-kpa"};
    static const int pos[] = {1, 1, 1};
    double v[3] = {0};
    int set[3] = {0}, rc;
    struct opts o;
    bw_pack *p = NULL;
    struct bw_blast b;

    rc = parse_numbers(argc, argv, usage_blast, names, pos, 3, v, set, &o, NULL, 0, NULL, NULL);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!set[0])
        return cli_usage(usage_blast, "--tnt-kg is required");
    if (set[1] == set[2])
        return cli_usage(usage_blast, "give exactly one of --range-m and --overpressure-kpa");
    if (load_pack(o.db, &p))
        return 1;
    rc = 1;
    if (set[2]) {
        double r, zlo, zhi, plo, phi;
        int e = bw_blast_range_for_incident(v[0], v[2], &r);
        if (e == BW_ERANGE) {
            bw_blast_fit_range(BW_BLAST_P_INC, &zlo, &zhi);
            bw_blast_scaled(BW_BLAST_P_INC, zlo, &plo);
            bw_blast_scaled(BW_BLAST_P_INC, zhi, &phi);
            cli_failf("--overpressure-kpa: %g kPa is outside the Kingery-Bulmash fit "
                      "(%.4g to %.4g kPa, Z %g-%g m/kg^(1/3)); not extrapolated",
                      v[2], phi, plo, zlo, zhi);
            goto out;
        }
        if (e) {
            cli_failf("--overpressure-kpa: %s", bw_strerror(e));
            goto out;
        }
        if (o.json) {
            json_t *j = json_pack("{s:f, s:f, s:f, s:f, s:o}", "tnt_kg", v[0],
                                  "overpressure_kpa", v[2], "range_m", r, "z", r / cbrt(v[0]),
                                  "pack", pack_json(p));
            rc = cli_json_print(j);
        } else {
            printf("incident overpressure of %g kg TNT falls to %g kPa at %.4g m "
                   "(Z = %.4g m/kg^(1/3))\n",
                   v[0], v[2], r, r / cbrt(v[0]));
            rc = 0;
        }
        goto out;
    }
    bw_blast_compute(v[0], v[1], BW_BLAST_ALL, &b);
    if (!b.in_range[BW_BLAST_P_INC]) {
        double zlo, zhi;
        bw_blast_fit_range(BW_BLAST_P_INC, &zlo, &zhi);
        cli_failf("--range-m: %g m from %g kg is Z = %.4g m/kg^(1/3), outside the "
                  "Kingery-Bulmash fit (Z %g-%g, i.e. %.4g-%.4g m for this charge); not "
                  "extrapolated",
                  v[1], v[0], b.z, zlo, zhi, zlo * cbrt(v[0]), zhi * cbrt(v[0]));
        goto out;
    }
    if (o.json) {
        json_t *j = blast_json(p, &b);
        if (j)
            json_object_set_new(j, "pack", pack_json(p));
        rc = cli_json_print(j);
    } else {
        printf("%g kg TNT at %g m, hemispherical surface burst: Z = %.4g m/kg^(1/3)\n", v[0],
               v[1], b.z);
        blast_print(p, &b, "  ");
        rc = 0;
    }
out:
    bw_pack_free(p);
    return rc;
}

/* ---- radii ----------------------------------------------------------------------- */

static int radii_list(const struct bw_blast_level *l, size_t n, double w, json_t *arr,
                      const char *title)
{
    if (!arr)
        printf("%s\n", title);
    for (size_t i = 0; i < n; i++) {
        double lvl[2] = {l[i].kpa, l[i].kpa_high};
        struct bw_blast_radius r[2];
        size_t k = l[i].kpa_high > 0 ? 2 : 1;
        if (bw_blast_radii(w, lvl, k, r))
            return cli_failf("--tnt-kg: invalid charge");
        if (arr) {
            json_t *e = level_json(&l[i]);
            json_object_set_new(e, "range_m", r[0].rc ? json_null() : json_real(r[0].range_m));
            if (k == 2)
                json_object_set_new(e, "range_m_high",
                                    r[1].rc ? json_null() : json_real(r[1].range_m));
            json_array_append_new(arr, e);
        } else {
            char kp[64], rg[80], a[32] = "beyond the fit", b[32] = "beyond the fit";
            if (!r[0].rc)
                snprintf(a, sizeof a, "%.4g m", r[0].range_m);
            if (k == 2 && !r[1].rc)
                snprintf(b, sizeof b, "%.4g m", r[1].range_m);
            if (k == 1) {
                snprintf(kp, sizeof kp, "%.4g kPa", l[i].kpa);
                snprintf(rg, sizeof rg, "%s", a);
            } else {
                snprintf(kp, sizeof kp, "%.4g-%.4g kPa", l[i].kpa, l[i].kpa_high);
                snprintf(rg, sizeof rg, "%s to %s", b, a);
            }
            printf("  %-16s %-24s %s\n", kp, rg, l[i].name);
        }
    }
    return 0;
}

static int sub_radii(int argc, char **argv)
{
    static const char *const names[] = {"tnt-kg"};
    static const int pos[] = {1};
    double w = 0;
    int set = 0, rc;
    struct opts o;
    bw_pack *p = NULL;
    size_t ni, nd;
    const struct bw_blast_level *inj, *dam;

    rc = parse_numbers(argc, argv, usage_radii, names, pos, 1, &w, &set, &o, NULL, 0, NULL,
                       NULL);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!set)
        return cli_usage(usage_radii, "--tnt-kg is required");
    if (load_pack(o.db, &p))
        return 1;
    inj = bw_pack_injury_levels(p, &ni);
    dam = bw_pack_damage_levels(p, &nd);
    if (!inj || !dam) {
        bw_pack_free(p);
        return cli_failf("the pack has no injury and damage thresholds (effects part); "
                         "re-run `bulwark init` with a current pack");
    }
    if (o.json) {
        json_t *ja = json_array(), *da = json_array();
        rc = radii_list(inj, ni, w, ja, NULL) || radii_list(dam, nd, w, da, NULL);
        if (rc) {
            json_decref(ja);
            json_decref(da);
        } else {
            rc = cli_json_print(json_pack("{s:f, s:o, s:o, s:o}", "tnt_kg", w, "injury", ja,
                                          "damage", da, "pack", pack_json(p)));
        }
    } else {
        printf("%g kg TNT, hemispherical surface burst: distance at which the incident "
               "overpressure falls to\n",
               w);
        rc = radii_list(inj, ni, w, NULL, "injury (primary blast):") ||
             radii_list(dam, nd, w, NULL, "damage (Clancey):");
    }
    bw_pack_free(p);
    return rc;
}

/* ---- standoff -------------------------------------------------------------------- */

static int sub_standoff(int argc, char **argv)
{
    static const struct option extra[] = {{"threat", required_argument, NULL, 2000},
                                          {"chart", required_argument, NULL, 2001},
                                          {"list", no_argument, NULL, 2002}};
    const char *xv[3] = {NULL, NULL, NULL};
    int xf[3] = {0, 0, 0}, rc;
    struct opts o;
    bw_pack *p = NULL;
    const struct bw_standoff_chart *ch;
    const struct bw_standoff_row *row;
    const char *chart;

    rc = parse_numbers(argc, argv, usage_standoff, NULL, NULL, 0, NULL, NULL, &o, extra, 3, xv,
                       xf);
    if (rc)
        return rc < 0 ? 0 : rc;
    chart = xv[1] ? xv[1] : "2014";
    if (!xv[0] && !xf[2])
        return cli_usage(usage_standoff, "--threat or --list is required");
    if (load_pack(o.db, &p))
        return 1;
    rc = 1;
    ch = bw_pack_standoff_chart(p, chart);
    if (!ch) {
        size_t n;
        const struct bw_standoff_chart *all = bw_pack_standoff_charts(p, &n);
        if (!n)
            cli_failf("the pack has no stand-off charts (no effects part); store a current "
                      "pack with `bulwark init`");
        else
            cli_failf("--chart: unknown chart '%s' (the pack has %s%s%s)", chart, all[0].id,
                      n > 1 ? ", " : "", n > 1 ? all[1].id : "");
        goto out;
    }
    if (xf[2]) {
        json_t *arr = o.json ? json_array() : NULL;
        if (!o.json)
            printf("%s\n  %-34s %10s %8s %8s\n", ch->name, "threat (id)", "TNT kg", "near m",
                   "far m");
        for (size_t i = 0; i < ch->nrows; i++) {
            const struct bw_standoff_row *r = &ch->rows[i];
            if (arr)
                json_array_append_new(arr, json_pack("{s:s, s:s, s:f, s:f, s:f}", "id", r->id,
                                                     "name", r->name, "tnt_kg", r->tnt_kg,
                                                     "near_m", r->near_m, "far_m", r->far_m));
            else
                printf("  %-34s %10g %8g %8g\n", r->id, r->tnt_kg, r->near_m, r->far_m);
        }
        if (arr)
            rc = cli_json_print(json_pack("{s:s, s:o}", "chart", ch->id, "rows", arr));
        else
            rc = 0;
        goto out;
    }
    row = bw_pack_standoff_row(p, chart, xv[0]);
    if (!row) {
        cli_failf("--threat: unknown threat '%s' in chart %s (see `bulwark effects standoff "
                  "--list --chart %s`)",
                  xv[0], chart, chart);
        goto out;
    }
    {
        struct bw_blast near, far;
        bw_blast_compute(row->tnt_kg, row->near_m, BW_BLAST_ALL, &near);
        bw_blast_compute(row->tnt_kg, row->far_m, BW_BLAST_ALL, &far);
        if (o.json) {
            json_t *jr = json_pack("{s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:s}", "id",
                                   row->id, "name", row->name, "tnt_kg", row->tnt_kg, "tnt_lb",
                                   row->tnt_lb, "near_m", row->near_m, "near_ft", row->near_ft,
                                   "far_m", row->far_m, "far_ft", row->far_ft, "source",
                                   row->source);
            if (jr && row->note)
                json_object_set_new(jr, "note", json_string(row->note));
            rc = cli_json_print(json_pack("{s:{s:s, s:s, s:s, s:s}, s:o, s:o, s:o, s:o}",
                                          "chart", "id", ch->id, "name", ch->name, "near",
                                          ch->near_name, "far", ch->far_name, "row", jr,
                                          "near", blast_json(p, &near), "far",
                                          blast_json(p, &far), "pack", pack_json(p)));
        } else {
            printf("%s — %s\n", ch->name, row->name);
            printf("  capacity            %g kg TNT (%g lb)\n", row->tnt_kg, row->tnt_lb);
            printf("  %-19s %g m (%g ft)\n", "near distance", row->near_m, row->near_ft);
            printf("  %-19s %g m (%g ft)\n", "far distance", row->far_m, row->far_ft);
            printf("  source: %s\n", row->source);
            if (row->note)
                printf("  note: %s\n", row->note);
            printf("\nat the %s, %g m (Z = %.4g m/kg^(1/3)):\n", ch->near_name, row->near_m,
                   near.z);
            blast_print(p, &near, "  ");
            printf("\nat the %s, %g m (Z = %.4g m/kg^(1/3)):\n", ch->far_name, row->far_m,
                   far.z);
            blast_print(p, &far, "  ");
            if (!far.in_range[BW_BLAST_P_INC])
                printf("  (beyond the blast fit: this distance is governed by fragments, "
                       "not blast; chart footnote 3)\n");
            rc = 0;
        }
    }
out:
    bw_pack_free(p);
    return rc;
}

/* ---- crowd ----------------------------------------------------------------------- */

static int sub_crowd(int argc, char **argv)
{
    enum { CAP, OCC, DEN, RAD, AREA, N };
    static const char *const names[N] = {"capacity", "occupancy", "density", "radius-m",
                                         "area-m2"};
    static const int pos[N] = {0, 0, 0, 0, 1};
    double v[N] = {0};
    int set[N] = {0}, rc;
    struct opts o;
    bw_pack *p = NULL;
    json_t *j;

    rc = parse_numbers(argc, argv, usage_crowd, names, pos, N, v, set, &o, NULL, 0, NULL, NULL);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (set[CAP] != set[OCC])
        return cli_usage(usage_crowd, "--capacity and --occupancy go together");
    if (set[RAD] && !set[DEN])
        return cli_usage(usage_crowd, "--radius-m needs --density");
    if (!set[CAP] && !set[DEN])
        return cli_usage(usage_crowd, "give --capacity and --occupancy, or --density");
    if (set[OCC] && v[OCC] > 1)
        return cli_failf("--occupancy: '%g' is not a fraction from 0 to 1", v[OCC]);
    if (load_pack(o.db, &p))
        return 1;
    j = json_object();
    if (set[CAP]) {
        double people;
        bw_crowd_present(v[CAP], v[OCC], &people);
        json_object_set_new(j, "people_present", json_real(people));
        if (!o.json)
            printf("people present: %g x %g = %g\n", v[CAP], v[OCC], people);
    }
    if (set[DEN]) {
        char los[2] = {bw_fruin_los(v[DEN]), 0};
        size_t n;
        const struct bw_crowd_density *cd = bw_pack_crowd_densities(p, &n), *hit = NULL;
        for (size_t i = 0; i < n; i++)
            if (cd[i].density <= v[DEN])
                hit = &cd[i];
        json_object_set_new(j, "density", json_real(v[DEN]));
        json_object_set_new(j, "fruin_los", json_string(los));
        json_object_set_new(j, "critical_density",
                            hit ? json_pack("{s:s, s:s, s:f, s:s}", "id", hit->id, "name",
                                            hit->name, "density", hit->density, "source",
                                            hit->source)
                                : json_null());
        if (!o.json) {
            printf("density %g persons/m2: Fruin walkway level of service %s\n", v[DEN], los);
            if (hit)
                printf("  at or above %g persons/m2: %s (%s)\n", hit->density, hit->name,
                       hit->source);
        }
        if (set[RAD]) {
            double people;
            bw_crowd_in_radius(v[DEN], v[RAD], set[AREA] ? v[AREA] : 0, &people);
            json_object_set_new(j, "radius_m", json_real(v[RAD]));
            json_object_set_new(j, "people_within_radius", json_real(people));
            if (!o.json)
                printf("people within %g m: %.1f%s\n", v[RAD], people,
                       set[AREA] && v[AREA] < M_PI * v[RAD] * v[RAD] ? " (clipped to the area)"
                                                                      : "");
        }
    }
    if (o.json) {
        json_object_set_new(j, "pack", pack_json(p));
        rc = cli_json_print(j);
    } else {
        json_decref(j);
        rc = 0;
    }
    bw_pack_free(p);
    return rc;
}

/* ---- ramming --------------------------------------------------------------------- */

static int sub_ramming(int argc, char **argv)
{
    enum { VKG, VKMH, BKG, BKMH, PEN, STAND, DEN, LEN, WID, N };
    static const char *const names[N] = {"vehicle-kg",    "speed-kmh",  "barrier-kg",
                                         "barrier-kmh",   "penetration-m", "standoff-m",
                                         "density",       "approach-m", "width-m"};
    static const int pos[N] = {1, 1, 1, 1, 0, 0, 0, 0, 0};
    double v[N] = {0};
    int set[N] = {0}, rc, barrier, stopped = 0;
    struct opts o;
    bw_pack *p = NULL;
    json_t *j;
    struct bw_ramming r;

    rc = parse_numbers(argc, argv, usage_ramming, names, pos, N, v, set, &o, NULL, 0, NULL,
                       NULL);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!set[VKG] || !set[VKMH])
        return cli_usage(usage_ramming, "--vehicle-kg and --speed-kmh are required");
    barrier = set[BKG] || set[BKMH] || set[PEN];
    if (barrier && !(set[BKG] && set[BKMH] && set[PEN] && set[STAND]))
        return cli_usage(usage_ramming, "a barrier needs --barrier-kg, --barrier-kmh, "
                                        "--penetration-m and --standoff-m");
    if (set[DEN] != set[LEN])
        return cli_usage(usage_ramming, "--density and --approach-m go together");
    if (load_pack(o.db, &p))
        return 1;
    j = json_object();
    json_object_set_new(j, "threat_energy_j", json_real(bw_kinetic_energy_j(v[VKG], v[VKMH])));
    if (!o.json)
        printf("threat vehicle %g kg at %g km/h: kinetic energy %.4g kJ\n", v[VKG], v[VKMH],
               bw_kinetic_energy_j(v[VKG], v[VKMH]) / 1000);
    if (barrier) {
        struct bw_barrier_rating b = {v[BKG], v[BKMH], v[PEN]};
        bw_ramming_check(&b, v[VKG], v[VKMH], v[STAND], &r);
        stopped = r.stopped;
        json_object_set_new(j, "barrier",
                            json_pack("{s:f, s:b, s:b, s:b, s:b}", "rating_energy_j",
                                      r.rating_energy_j, "energy_ok", r.energy_ok, "mass_ok",
                                      r.mass_ok, "penetration_ok", r.penetration_ok, "stopped",
                                      r.stopped));
        if (!o.json) {
            printf("barrier rated %g kg at %g km/h, penetration %g m: energy %.4g kJ\n",
                   v[BKG], v[BKMH], v[PEN], r.rating_energy_j / 1000);
            printf("  energy covers the threat: %s; mass covers it: %s; penetration within "
                   "the %g m stand-off: %s\n",
                   r.energy_ok ? "yes" : "no", r.mass_ok ? "yes" : "no",
                   v[STAND], r.penetration_ok ? "yes" : "no");
            printf("  stopped: %s\n", r.stopped ? "yes" : "no");
        }
    }
    json_object_set_new(j, "stopped", json_boolean(stopped));
    if (set[DEN]) {
        double width = set[WID] ? v[WID] : bw_pack_effects_assumption(p, "approach-width-m", 4);
        double people = 0;
        if (!stopped)
            bw_ramming_exposed(v[DEN], v[LEN], width, &people);
        json_object_set_new(j, "approach_width_m", json_real(width));
        json_object_set_new(j, "people_exposed", json_real(people));
        if (!o.json)
            printf("people exposed along the approach: %.1f (%g persons/m2 x %g m x %g m%s)\n",
                   people, v[DEN], v[LEN], width, stopped ? "; stopped, so none" : "");
    }
    if (o.json) {
        json_object_set_new(j, "pack", pack_json(p));
        rc = cli_json_print(j);
    } else {
        json_decref(j);
        rc = 0;
    }
    bw_pack_free(p);
    return rc;
}

/* ---- firearms -------------------------------------------------------------------- */

static int sub_firearms(int argc, char **argv)
{
    enum { DIST, PEOPLE, RATE, DISP, SPEED, ROAD, N };
    static const char *const names[N] = {"distance-m", "people",    "rate",
                                         "dispatch-min", "speed-kmh", "road-factor"};
    static const int pos[N] = {0, 0, 0, 0, 1, 1};
    double v[N] = {0}, minutes, harmed = 0;
    int set[N] = {0}, rc;
    struct opts o;
    bw_pack *p = NULL;
    struct bw_response_model m;

    rc = parse_numbers(argc, argv, usage_firearms, names, pos, N, v, set, &o, NULL, 0, NULL,
                       NULL);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!set[DIST])
        return cli_usage(usage_firearms, "--distance-m is required");
    if (set[ROAD] && v[ROAD] < 1)
        return cli_failf("--road-factor: '%g' must be >= 1", v[ROAD]);
    if (load_pack(o.db, &p))
        return 1;
    m.dispatch_min =
        set[DISP] ? v[DISP] : bw_pack_effects_assumption(p, "response-dispatch-min", 3);
    m.speed_kmh = set[SPEED] ? v[SPEED] : bw_pack_effects_assumption(p, "response-speed-kmh", 50);
    m.road_factor =
        set[ROAD] ? v[ROAD] : bw_pack_effects_assumption(p, "response-road-factor", 1.3);
    if (set[RATE] == 0)
        v[RATE] = bw_pack_effects_assumption(p, "firearms-casualties-per-min", 2);
    if (bw_response_time_min(v[DIST], &m, &minutes)) {
        bw_pack_free(p);
        return cli_failf("the pack's response assumptions are invalid");
    }
    if (set[PEOPLE])
        bw_firearms_exposed(v[PEOPLE], v[RATE], minutes, &harmed);
    if (o.json) {
        json_t *j = json_pack("{s:f, s:f, s:f, s:f, s:f, s:f}", "distance_m", v[DIST],
                              "dispatch_min", m.dispatch_min, "speed_kmh", m.speed_kmh,
                              "road_factor", m.road_factor, "response_min", minutes,
                              "casualties_per_min", v[RATE]);
        if (j && set[PEOPLE]) {
            json_object_set_new(j, "people_present", json_real(v[PEOPLE]));
            json_object_set_new(j, "people_exposed", json_real(harmed));
        }
        if (j)
            json_object_set_new(j, "pack", pack_json(p));
        rc = cli_json_print(j);
    } else {
        printf("armed response from %g m: %.1f min (dispatch %g min + %g m x %g at %g km/h)\n",
               v[DIST], minutes, m.dispatch_min, v[DIST], m.road_factor, m.speed_kmh);
        if (set[PEOPLE])
            printf("people harmed until then: %.1f of %g (%g per minute; an assumption)\n",
                   harmed, v[PEOPLE], v[RATE]);
        rc = 0;
    }
    bw_pack_free(p);
    return rc;
}

/* ---- uas ------------------------------------------------------------------------- */

static int sub_uas(int argc, char **argv)
{
    enum { FREQ, MARGIN, DET, STAND, SPEED, LAUNCH, RANGE, N };
    static const char *const names[N] = {"freq-mhz",   "margin-db", "detection-m", "standoff-m",
                                         "speed-ms",   "launch-m",  "range-m"};
    static const int pos[N] = {1, 0, 0, 0, 1, 0, 0};
    double v[N] = {0}, rf = 0, det = 0, warn = 0;
    int set[N] = {0}, rc, reach = -1;
    struct opts o;
    bw_pack *p = NULL;
    const struct bw_rf_budget *rb;
    json_t *j;

    rc = parse_numbers(argc, argv, usage_uas, names, pos, N, v, set, &o, NULL, 0, NULL, NULL);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (set[STAND] != set[SPEED])
        return cli_usage(usage_uas, "--standoff-m and --speed-ms go together");
    if (set[LAUNCH] != set[RANGE])
        return cli_usage(usage_uas, "--launch-m and --range-m go together");
    if (load_pack(o.db, &p))
        return 1;
    rb = bw_pack_rf_budget(p);
    if (!set[FREQ])
        v[FREQ] = 2440;
    if (bw_rf_detection_range_m(rb ? rb->eirp_dbm : BW_UAS_EIRP_DBM,
                                rb ? rb->sensitivity_dbm : BW_UAS_SENSITIVITY_DBM,
                                rb ? rb->rx_gain_dbi : 0, v[MARGIN], v[FREQ], &rf)) {
        bw_pack_free(p);
        return cli_failf("--freq-mhz: invalid frequency or margin");
    }
    det = set[DET] ? v[DET] : rf;
    j = json_object();
    json_object_set_new(j, "freq_mhz", json_real(v[FREQ]));
    json_object_set_new(j, "margin_db", json_real(v[MARGIN]));
    json_object_set_new(j, "rf_detection_m", json_real(rf));
    json_object_set_new(j, "detection_m", json_real(det));
    if (!o.json)
        printf("RF detection range at %g MHz, %g dB margin: %.4g km (free space, line of "
               "sight)\n",
               v[FREQ], v[MARGIN], rf / 1000);
    if (set[STAND]) {
        bw_uas_warning_s(det, v[STAND], v[SPEED], &warn);
        json_object_set_new(j, "warning_s", json_real(warn));
        if (!o.json)
            printf("warning time: (%g m - %g m) / %g m/s = %.1f s\n", det, v[STAND], v[SPEED],
                   warn);
    }
    if (set[LAUNCH]) {
        reach = bw_uas_reaches(v[LAUNCH], v[RANGE]);
        json_object_set_new(j, "reaches", json_boolean(reach == 1));
        if (!o.json)
            printf("launched %g m away with %g m of range: %s\n", v[LAUNCH], v[RANGE],
                   reach == 1 ? "reaches the site" : "does not reach the site");
    }
    if (o.json) {
        json_object_set_new(j, "pack", pack_json(p));
        rc = cli_json_print(j);
    } else {
        json_decref(j);
        rc = 0;
    }
    bw_pack_free(p);
    return rc;
}

int cmd_effects(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } subs[] = {{"blast", sub_blast},       {"radii", sub_radii}, {"standoff", sub_standoff},
                {"crowd", sub_crowd},       {"ramming", sub_ramming},
                {"firearms", sub_firearms}, {"uas", sub_uas}};

    if (argc < 2)
        return cli_usage(usage_top, "a sub-command is required");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0)
        return cli_help(usage_top);
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].fn(argc - 1, argv + 1);
    return cli_usage(usage_top, "unknown sub-command");
}
