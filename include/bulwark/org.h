/*
 * org.h — an organisation (stakeholder) and its roles at sites.
 *
 * Organisations are authorities, operators, responders, private security, civil
 * society, faith/community groups and international partners (types from the pack).
 * A role ties an organisation to a site for one phase (prevent, protect, mitigate,
 * investigate, respond, recover): together they form the chain of command.
 * Strings are borrowed; validation copies into the caller's arena. Pure functions.
 */
#ifndef BW_ORG_H
#define BW_ORG_H

#include "pack.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bw_arena;
struct bw_diag;

/** An organisation. Optional strings are NULL when absent. */
struct bw_org {
    const char *id;
    const char *name;
    const char *type;          /**< organisation type id from the pack */
    const char *mandate;       /**< what it is responsible for, free text */
    const char *sectors;       /**< taxonomy ids, canonical ';' list */
    const char *regions;       /**< regions, canonical ';' list */
    const char *contact_name;  /**< 24/7 point of contact */
    const char *contact_phone;
    const char *contact_email;
};

/** A role of an organisation at a site in one phase. */
struct bw_role {
    const char *org;
    const char *site;
    const char *phase;       /**< phase id from the pack */
    const char *description; /**< or NULL */
};

extern const struct bw_column bw_org_columns[];
extern const size_t bw_org_ncolumns;
extern const struct bw_column bw_role_columns[];
extern const size_t bw_role_ncolumns;

/** Validates an organisation record. */
int bw_org_from_record(const bw_pack *pack, const struct bw_record *r, struct bw_arena *a,
                       struct bw_diag *d, struct bw_org *out);
/** Renders an organisation in bw_org_columns order. */
int bw_org_to_values(const struct bw_org *o, struct bw_arena *a, struct bw_str *vals);
/** Validates a role record (references are checked by the store). */
int bw_role_from_record(const bw_pack *pack, const struct bw_record *r, struct bw_arena *a,
                        struct bw_diag *d, struct bw_role *out);
/** Renders a role in bw_role_columns order. */
int bw_role_to_values(const struct bw_role *o, struct bw_arena *a, struct bw_str *vals);

#ifdef __cplusplus
}
#endif
#endif
