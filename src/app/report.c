/*
 * report.c — who may file, triage and share reports and notes (report.h).
 *
 * The store decides who may read an item (the TLP predicate); this file decides who may
 * write one, from the caller's role and, for a note about a site, whether the caller
 * may see that site (bw_store_site_visible_get: an operator writes about its own sites).
 * Names given are turned into recipients and checked by the store (an unknown
 * organisation or user is BW_EREF naming it).
 */
#include "report.h"
#include "alloc.h"
#include "arena.h"
#include "error.h"
#include "share.h"
#include "user.h"

#include <math.h>
#include <string.h>

static int can_write(const struct bw_principal *who, const char *what, struct bw_diag *d)
{
    if (who && (who->role == BW_ROLE_VIEWER || who->role == BW_ROLE_ASSESSOR))
        return bw_diag_set(d, BW_EDENIED, "role", "a %s may read %s but not write them",
                           bw_role_name(who->role), what);
    return BW_OK;
}

/* The recipients of @p named in a new array (free with bw_free). */
static int named_recipients(const struct bw_named *named, struct bw_recipient **out, size_t *n)
{
    size_t k = 0, total = named ? named->norgs + named->nusers : 0;

    *out = bw_calloc(total ? total : 1, sizeof **out);
    if (!*out)
        return BW_ENOMEM;
    for (size_t i = 0; named && i < named->norgs; i++)
        (*out)[k++] = (struct bw_recipient){named->orgs[i], NULL, "named"};
    for (size_t i = 0; named && i < named->nusers; i++)
        (*out)[k++] = (struct bw_recipient){NULL, named->users[i], "named"};
    *n = k;
    return BW_OK;
}

static void author_of(const struct bw_principal *who, struct bw_item *it)
{
    if (!who)
        return;
    it->author = who->user;
    it->author_user = who->user_id;
    it->author_org = who->org;
}

/* BW_OK when @p who may see site @p id (and it exists). */
static int site_ok(bw_store *s, const struct bw_principal *who, const char *id,
                   struct bw_diag *d)
{
    struct bw_arena a;
    struct bw_site site;
    int rc;

    if (!id)
        return BW_OK;
    bw_arena_init(&a, 0);
    rc = who ? bw_store_site_visible_get(s, who, id, &a, &site)
             : bw_store_site_get(s, id, &a, &site);
    bw_arena_release(&a);
    if (rc == BW_ENOTFOUND)
        return bw_diag_set(d, BW_EREF, "site", "no site '%s' (or not one you may see)", id);
    return rc ? bw_diag_set(d, rc, "site", "reading site '%s'", id) : BW_OK;
}

int bw_report_file(bw_store *s, const struct bw_principal *who, struct bw_report *r,
                   const struct bw_named *named, struct bw_diag *d)
{
    struct bw_recipient *rec;
    size_t n;
    int rc = can_write(who, "reports", d);

    if (rc)
        return rc;
    if (!r->description || !*r->description)
        return bw_diag_set(d, BW_EINVAL, "description", "a report needs a description");
    if (strlen(r->description) > 16384)
        return bw_diag_set(d, BW_ETOOBIG, "description", "a description has at most 16384 bytes");
    if (isnan(r->lat) != isnan(r->lon) ||
        (!isnan(r->lat) && !(r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180)))
        return bw_diag_set(d, BW_ERANGE, "lat", "a location is lat -90..90 and lon -180..180, "
                           "both or neither");
    author_of(who, &r->item);
    if ((rc = site_ok(s, who, r->item.site, d)))
        return rc;
    if ((rc = named_recipients(named, &rec, &n)))
        return rc;
    rc = bw_store_report_add(s, r, rec, n, d);
    bw_free(rec);
    return rc;
}

int bw_report_triage(bw_store *s, const struct bw_principal *who, int64_t id,
                     const char *triage, struct bw_diag *d)
{
    struct bw_arena a;
    struct bw_report r;
    int t, rc;

    if (who && !bw_role_is_authority(who->role))
        return bw_diag_set(d, BW_EDENIED, "role", "only the national authority triages reports");
    if ((rc = bw_triage_parse(triage, d, &t)))
        return rc;
    bw_arena_init(&a, 0);
    rc = bw_store_report_get(s, who, id, &a, &r);
    bw_arena_release(&a);
    if (rc == BW_ENOTFOUND)
        return bw_diag_set(d, rc, "id", "no report %lld", (long long)id);
    if (rc)
        return bw_diag_set(d, rc, NULL, "reading report %lld", (long long)id);
    return bw_store_report_triage(s, id, t, 0, who ? who->user : "cli", d);
}

int bw_note_add(bw_store *s, const struct bw_principal *who, struct bw_note *n,
                const struct bw_named *named, struct bw_diag *d)
{
    struct bw_recipient *rec;
    size_t k;
    int rc = can_write(who, "notes", d);

    if (rc)
        return rc;
    if (!n->title || !*n->title || strlen(n->title) > 256)
        return bw_diag_set(d, BW_EINVAL, "title", "a note needs a title of 1..256 bytes");
    if (!n->body || strlen(n->body) > 65536)
        return bw_diag_set(d, BW_EINVAL, "body", "a note needs a body of at most 65536 bytes");
    author_of(who, &n->item);
    if ((rc = site_ok(s, who, n->item.site, d)))
        return rc;
    if ((rc = named_recipients(named, &rec, &k)))
        return rc;
    rc = bw_store_note_add(s, n, rec, k, d);
    bw_free(rec);
    return rc;
}
