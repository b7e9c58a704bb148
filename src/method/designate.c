/*
 * designate.c — the designation rule, a pure function of one site and the pack.
 *
 * Tiers: the highest tier whose min_capacity the site's capacity reaches, then lowered
 * to the cap of any tier_caps entry listing the site's category. Criteria: evaluated
 * for sites whose taxonomy entry is a sector or subsector, or a category linked to a
 * sector (hospitals → health); each met criterion adds a reason. Unknown capacity or
 * population never qualifies (absence of data is not evidence). Thread-safe.
 */
#include "designate.h"
#include "buf.h"
#include "error.h"
#include "json.h"

#include <stdio.h>
#include <string.h>

static int add_reason(struct bw_buf *b, int *first, const char *text)
{
    int rc = bw_buf_puts(b, *first ? "" : ",");
    *first = 0;
    return rc ? rc : bw_json_put_string(b, text, strlen(text));
}

int bw_designate_site(const bw_pack *pack, const struct bw_site *site,
                      const struct bw_site_links *l, struct bw_designation *out,
                      struct bw_buf *reasons)
{
    const struct bw_class *c = bw_pack_class(pack, site->category, strlen(site->category));
    size_t nt, ncap, ncrit;
    const struct bw_tier *tiers = bw_pack_tiers(pack, &nt);
    const struct bw_tier_cap *caps = bw_pack_tier_caps(pack, &ncap);
    const struct bw_criterion *crit = bw_pack_criteria(pack, &ncrit);
    char text[512];
    int first = 1, rc;
    size_t t;

    memset(out, 0, sizeof *out);
    if (!c)
        return BW_EREF;
    if ((rc = bw_buf_putc(reasons, '[')))
        return rc;
    for (t = 0; t < nt && site->capacity >= 0; t++)
        if (site->capacity >= tiers[t].min_capacity)
            break;
    if (site->capacity >= 0 && t < nt) {
        snprintf(text, sizeof text, "capacity %lld >= %lld: %s tier", (long long)site->capacity,
                 (long long)tiers[t].min_capacity, tiers[t].id);
        if ((rc = add_reason(reasons, &first, text)))
            return rc;
        for (size_t k = 0; k < ncap; k++) {
            size_t m;
            for (m = 0; m < caps[k].ncategories; m++)
                if (strcmp(caps[k].categories[m], c->id) == 0)
                    break;
            if (m == caps[k].ncategories)
                continue;
            for (size_t j = 0; j < nt; j++) {
                if (strcmp(tiers[j].id, caps[k].max_tier) == 0 && j > t) {
                    snprintf(text, sizeof text, "%s is capped at the %s tier", c->id,
                             tiers[j].id);
                    if ((rc = add_reason(reasons, &first, text)))
                        return rc;
                    t = j;
                }
            }
        }
        out->tier = &tiers[t];
    }
    if (c->kind != BW_CLASS_CATEGORY || c->sector) {
        for (size_t k = 0; k < ncrit; k++) {
            double v = -1;
            switch (crit[k].measure) {
            case BW_MEASURE_POPULATION:
                v = (double)site->population;
                break;
            case BW_MEASURE_DEPENDANTS:
                v = l ? (double)l->dependants : -1;
                break;
            case BW_MEASURE_REACH_KM:
                v = l && l->dependants ? l->reach_km : -1;
                break;
            case BW_MEASURE_CAPACITY:
                v = (double)site->capacity;
                break;
            }
            if (v < 0 || v < crit[k].min)
                continue;
            snprintf(text, sizeof text, "%s %.6g >= %.6g: criterion '%s'",
                     crit[k].measure == BW_MEASURE_POPULATION   ? "population served"
                     : crit[k].measure == BW_MEASURE_DEPENDANTS ? "dependants"
                     : crit[k].measure == BW_MEASURE_REACH_KM   ? "reach km"
                                                                : "capacity",
                     v, crit[k].min, crit[k].id);
            if ((rc = add_reason(reasons, &first, text)))
                return rc;
            out->critical = 1;
        }
    }
    out->designated = out->tier || out->critical;
    return bw_buf_putc(reasons, ']');
}
