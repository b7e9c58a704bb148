/*
 * org.c — validation and rendering of organisations and their roles at sites.
 *
 * Types, sectors and phases must exist in the pack; references to sites and
 * organisations are left to the store, which checks them inside the import's
 * transaction. Pure functions.
 */
#include "org.h"
#include "arena.h"
#include "error.h"
#include "limits.h"

#include <string.h>

const struct bw_column bw_org_columns[] = {
    {"id", BW_V_STR, 1},           {"name", BW_V_STR, 1},          {"type", BW_V_STR, 1},
    {"mandate", BW_V_STR, 0},      {"sectors", BW_V_LIST, 0},      {"regions", BW_V_LIST, 0},
    {"contact_name", BW_V_STR, 0}, {"contact_phone", BW_V_STR, 0}, {"contact_email", BW_V_STR, 0},
};
const size_t bw_org_ncolumns = sizeof bw_org_columns / sizeof bw_org_columns[0];

const struct bw_column bw_role_columns[] = {
    {"org", BW_V_STR, 1},
    {"site", BW_V_STR, 1},
    {"phase", BW_V_STR, 1},
    {"description", BW_V_STR, 0},
};
const size_t bw_role_ncolumns = sizeof bw_role_columns / sizeof bw_role_columns[0];

static int check_sector(const void *ctx, struct bw_str item, const char *field, struct bw_diag *d)
{
    if (!bw_pack_class(ctx, item.p, item.n))
        return bw_diag_set(d, BW_EREF, field, "unknown sector or category '%.*s'",
                           (int)(item.n > 60 ? 60 : item.n), item.p);
    return BW_OK;
}

/* Looks @p v up in a pack term list; on success *out borrows the pack's id. */
static int term_field(const struct bw_term *list, size_t n, struct bw_str v, const char *field,
                      const char *what, struct bw_diag *d, const char **out)
{
    const struct bw_term *t;

    if (!v.p)
        return bw_diag_set(d, BW_EINVAL, field, "is required but empty");
    t = bw_pack_term(list, n, v.p, v.n);
    if (!t)
        return bw_diag_set(d, BW_EREF, field, "unknown %s '%.*s' (see bulwark taxonomy list)",
                           what, (int)(v.n > 60 ? 60 : v.n), v.p);
    *out = t->id;
    return BW_OK;
}

int bw_org_from_record(const bw_pack *pack, const struct bw_record *r, struct bw_arena *a,
                       struct bw_diag *d, struct bw_org *out)
{
    size_t nt;
    const struct bw_term *types = bw_pack_org_types(pack, &nt);
    struct bw_str email = bw_record_get(r, "contact_email");
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = bw_field_id(bw_record_get(r, "id"), "id", 1, a, d, &out->id)) ||
        (rc = bw_field_text(bw_record_get(r, "name"), "name", 1, BW_TEXT_MAX, a, d, &out->name)) ||
        (rc = term_field(types, nt, bw_record_get(r, "type"), "type", "organisation type", d,
                         &out->type)) ||
        (rc = bw_field_text(bw_record_get(r, "mandate"), "mandate", 0, BW_TEXT_MAX, a, d,
                            &out->mandate)) ||
        (rc = bw_field_list(bw_record_get(r, "sectors"), "sectors", check_sector, pack, a, d,
                            &out->sectors)) ||
        (rc = bw_field_list(bw_record_get(r, "regions"), "regions", NULL, NULL, a, d,
                            &out->regions)) ||
        (rc = bw_field_text(bw_record_get(r, "contact_name"), "contact_name", 0, BW_TEXT_MAX, a,
                            d, &out->contact_name)) ||
        (rc = bw_field_text(bw_record_get(r, "contact_phone"), "contact_phone", 0, 64, a, d,
                            &out->contact_phone)) ||
        (rc = bw_field_text(email, "contact_email", 0, 254, a, d, &out->contact_email)))
        return rc;
    if (out->contact_email && !strchr(out->contact_email, '@'))
        return bw_diag_set(d, BW_EINVAL, "contact_email", "'%s' is not an e-mail address",
                           out->contact_email);
    return BW_OK;
}

int bw_org_to_values(const struct bw_org *o, struct bw_arena *a, struct bw_str *v)
{
    (void)a;
    v[0] = bw_value_str(o->id);
    v[1] = bw_value_str(o->name);
    v[2] = bw_value_str(o->type);
    v[3] = bw_value_str(o->mandate);
    v[4] = bw_value_str(o->sectors);
    v[5] = bw_value_str(o->regions);
    v[6] = bw_value_str(o->contact_name);
    v[7] = bw_value_str(o->contact_phone);
    v[8] = bw_value_str(o->contact_email);
    return BW_OK;
}

int bw_role_from_record(const bw_pack *pack, const struct bw_record *r, struct bw_arena *a,
                        struct bw_diag *d, struct bw_role *out)
{
    size_t np;
    const struct bw_term *phases = bw_pack_phases(pack, &np);
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = bw_field_id(bw_record_get(r, "org"), "org", 1, a, d, &out->org)) ||
        (rc = bw_field_id(bw_record_get(r, "site"), "site", 1, a, d, &out->site)) ||
        (rc = term_field(phases, np, bw_record_get(r, "phase"), "phase", "phase", d,
                         &out->phase)) ||
        (rc = bw_field_text(bw_record_get(r, "description"), "description", 0, BW_TEXT_MAX, a, d,
                            &out->description)))
        return rc;
    return BW_OK;
}

int bw_role_to_values(const struct bw_role *o, struct bw_arena *a, struct bw_str *v)
{
    (void)a;
    v[0] = bw_value_str(o->org);
    v[1] = bw_value_str(o->site);
    v[2] = bw_value_str(o->phase);
    v[3] = bw_value_str(o->description);
    return BW_OK;
}
