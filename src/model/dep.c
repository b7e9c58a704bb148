/*
 * dep.c — validation and rendering of dependencies (supply and link).
 *
 * A dependency names two distinct sites and a service from the pack; buffer hours are
 * 0..8760 (a year); `directed` only makes sense for links. The sites' existence is
 * checked by the store inside the import's transaction. Pure functions.
 */
#include "dep.h"
#include "arena.h"
#include "error.h"
#include "limits.h"

#include <string.h>

const struct bw_column bw_dep_columns[] = {
    {"site", BW_V_STR, 1},         {"supplier", BW_V_STR, 1},
    {"service", BW_V_STR, 1},      {"kind", BW_V_STR, 0},
    {"redundancy_group", BW_V_STR, 0}, {"buffer_hours", BW_V_REAL, 0},
    {"directed", BW_V_BOOL, 0},        {"needs", BW_V_INT, 0},
};
const size_t bw_dep_ncolumns = sizeof bw_dep_columns / sizeof bw_dep_columns[0];

const char *bw_dep_kind_name(enum bw_dep_kind k)
{
    return k == BW_DEP_LINK ? "link" : "supply";
}

int bw_dep_from_record(const bw_pack *pack, const struct bw_record *r, struct bw_arena *a,
                       struct bw_diag *d, struct bw_dep *out)
{
    struct bw_str svc = bw_record_get(r, "service"), kind = bw_record_get(r, "kind");
    size_t ns;
    const struct bw_term *services = bw_pack_services(pack, &ns), *t;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = bw_field_id(bw_record_get(r, "site"), "site", 1, a, d, &out->site)) ||
        (rc = bw_field_id(bw_record_get(r, "supplier"), "supplier", 1, a, d, &out->supplier)))
        return rc;
    if (strcmp(out->site, out->supplier) == 0)
        return bw_diag_set(d, BW_EINVAL, "supplier",
                           "site '%s' cannot depend on itself (self-loop)", out->site);
    if (!svc.p)
        return bw_diag_set(d, BW_EINVAL, "service", "is required but empty");
    t = bw_pack_term(services, ns, svc.p, svc.n);
    if (!t)
        return bw_diag_set(d, BW_EREF, "service",
                           "unknown service '%.*s' (see bulwark taxonomy list)",
                           (int)(svc.n > 60 ? 60 : svc.n), svc.p);
    out->service = t->id;
    if (!kind.p || bw_str_eq(kind, "supply"))
        out->kind = BW_DEP_SUPPLY;
    else if (bw_str_eq(kind, "link"))
        out->kind = BW_DEP_LINK;
    else
        return bw_diag_set(d, BW_EINVAL, "kind", "'%.*s' is not supply or link",
                           (int)(kind.n > 40 ? 40 : kind.n), kind.p);
    if ((rc = bw_field_id(bw_record_get(r, "redundancy_group"), "redundancy_group", 0, a, d,
                          &out->redundancy_group)) ||
        (rc = bw_field_real(bw_record_get(r, "buffer_hours"), "buffer_hours", 0, 0, 8760, 0, d,
                            &out->buffer_hours)) ||
        (rc = bw_field_bool(bw_record_get(r, "directed"), "directed", 0, d, &out->directed)))
        return rc;
    {
        int64_t k;
        if ((rc = bw_field_int(bw_record_get(r, "needs"), "needs", 0, 1, 1000, 1, d, &k)))
            return rc;
        out->needs = (int)k;
    }
    if (out->needs != 1 && out->kind != BW_DEP_SUPPLY)
        return bw_diag_set(d, BW_EINVAL, "needs", "only supply dependencies have k of n");
    if (out->directed && out->kind != BW_DEP_LINK)
        return bw_diag_set(d, BW_EINVAL, "directed", "only links can be directed");
    return BW_OK;
}

int bw_dep_to_values(const struct bw_dep *dep, struct bw_arena *a, struct bw_str *v)
{
    v[0] = bw_value_str(dep->site);
    v[1] = bw_value_str(dep->supplier);
    v[2] = bw_value_str(dep->service);
    v[3] = bw_value_str(bw_dep_kind_name(dep->kind));
    v[4] = bw_value_str(dep->redundancy_group);
    v[5] = dep->buffer_hours > 0 ? bw_value_real(a, dep->buffer_hours) : (struct bw_str){NULL, 0};
    v[6] = dep->directed ? bw_value_str("true") : (struct bw_str){NULL, 0};
    v[7] = dep->needs > 1 ? bw_value_i64(a, dep->needs, 1) : (struct bw_str){NULL, 0};
    /* A number that could not be formatted must not export as an absent value. */
    return (dep->buffer_hours > 0 && !v[5].p) || (dep->needs > 1 && !v[7].p) ? BW_ENOMEM : BW_OK;
}
