/*
 * routes_register.c — the register as the caller may see it: GET /api/v1/sites,
 * GET /api/v1/sites/{id}, GET /api/v1/orgs.
 *
 * Who sees what is decided by the store (bw_store_sites_visible_each and
 * bw_store_site_visible_get take the caller's principal), not here, so a route cannot
 * leak by forgetting a check; a site the caller may not see is a 404, exactly like one
 * that does not exist. Sites are written in the shape of `bulwark sites list --json`.
 */
#include "server.h"
#include "error.h"
#include "limits.h"

#include <string.h>

static json_t *site_json(const struct bw_site *s)
{
    json_t *j = json_pack("{s:s,s:s,s:s,s:f,s:f}", "id", s->id, "name", s->name, "category",
                          s->category, "lat", s->lat, "lon", s->lon);
    if (!j)
        return NULL;
    if (s->capacity >= 0)
        json_object_set_new(j, "capacity", json_integer(s->capacity));
    if (s->operator_id)
        json_object_set_new(j, "operator", json_string(s->operator_id));
    if (s->supplies)
        json_object_set_new(j, "supplies", json_string(s->supplies));
    if (s->population >= 0)
        json_object_set_new(j, "population_served", json_integer(s->population));
    if (s->region)
        json_object_set_new(j, "region", json_string(s->region));
    if (s->tags)
        json_object_set_new(j, "tags", json_string(s->tags));
    if (s->footprint)
        json_object_set_new(j, "footprint", json_loads(s->footprint, 0, NULL));
    return j;
}

static int on_site(void *ud, const struct bw_site *s)
{
    json_t *j = site_json(s);
    return j && json_array_append_new(ud, j) == 0 ? BW_OK : BW_ENOMEM;
}

static void sites_list(struct srv_ctx *x)
{
    json_t *arr = json_array();
    int rc = arr ? bw_store_sites_visible_each(x->store, &x->who, on_site, arr) : BW_ENOMEM;

    if (rc) {
        json_decref(arr);
        srv_error(x, 500, "store", NULL, "listing sites: %s", bw_strerror(rc));
        return;
    }
    srv_json(x, 200, json_pack("{s:I,s:o}", "count", (json_int_t)json_array_size(arr), "sites",
                               arr));
}

static void site_get(struct srv_ctx *x)
{
    const char *id = x->params[0];
    struct bw_site s;
    int rc;

    if (strlen(id) > BW_ID_MAX) {
        srv_error(x, 400, "bad_id", "id", "a site id has at most %d bytes", BW_ID_MAX);
        return;
    }
    rc = bw_store_site_visible_get(x->store, &x->who, id, &x->arena, &s);
    if (rc == BW_ENOTFOUND)
        srv_error(x, 404, "not_found", "id", "no site '%s'", id);
    else if (rc)
        srv_error(x, 500, "store", NULL, "reading the site: %s", bw_strerror(rc));
    else
        srv_json(x, 200, site_json(&s));
}

static int on_org(void *ud, const struct bw_org *o)
{
    json_t *j = json_pack("{s:s,s:s,s:s}", "id", o->id, "name", o->name, "type", o->type);
    const char *keys[] = {"mandate", "sectors", "regions", "contact_name", "contact_phone",
                          "contact_email"};
    const char *vals[] = {o->mandate, o->sectors, o->regions, o->contact_name, o->contact_phone,
                          o->contact_email};
    if (!j)
        return BW_ENOMEM;
    for (int i = 0; i < 6; i++)
        if (vals[i])
            json_object_set_new(j, keys[i], json_string(vals[i]));
    return json_array_append_new(ud, j) ? BW_ENOMEM : BW_OK;
}

static void orgs_list(struct srv_ctx *x)
{
    json_t *arr = json_array();
    int rc = arr ? bw_store_orgs_each(x->store, on_org, arr) : BW_ENOMEM;

    if (rc) {
        json_decref(arr);
        srv_error(x, 500, "store", NULL, "listing organisations: %s", bw_strerror(rc));
        return;
    }
    srv_json(x, 200, json_pack("{s:I,s:o}", "count", (json_int_t)json_array_size(arr), "orgs",
                               arr));
}

const struct srv_route srv_routes_register[] = {
    {"GET", "/api/v1/sites", 1, sites_list},
    {"GET", "/api/v1/sites/{id}", 1, site_get},
    {"GET", "/api/v1/orgs", 1, orgs_list},
    {NULL, NULL, 0, NULL},
};
