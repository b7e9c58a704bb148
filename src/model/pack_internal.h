/*
 * pack_internal.h — how the further parts of a methodology pack plug into pack.c
 * (not a public header; only files under src/model/ include it).
 *
 * pack.c parses the parts every pack has (taxonomy, designation, restoration). Each
 * further part — threats, measures, risk parameters, stand-off charts, ... — lives in
 * its own model file that exports one `struct bw_pack_part` naming the bundle member it
 * reads. bw_pack_parse calls the parsers in the order of the table in pack.c, after the
 * taxonomy, so a part may look up the classes and the parts parsed before it; what a
 * parser returns is kept in the pack's slot for that part and freed with the pack.
 *
 * Ownership: the json_t handed to a parser is borrowed from the pack and lives as long
 * as the pack; a parser's result may point into it.
 */
#ifndef BW_PACK_INTERNAL_H
#define BW_PACK_INTERNAL_H

#include "pack.h"

#include <jansson.h>

struct bw_diag;

/** A pack part parsed outside pack.c. */
struct bw_pack_part {
    const char *name; /**< member of the bundle, i.e. the key in pack.json "files" */
    int required;     /**< 1: a pack without this member is refused */
    /** Parses @p j (NULL when the member is absent and not required) into *out. */
    int (*parse)(const bw_pack *p, json_t *j, struct bw_diag *d, void **out);
    /** Frees what parse returned. Accepts NULL. */
    void (*free)(void *parsed);
};

/** The parsed value of the part named @p name, or NULL. */
void *bw_pack_part_get(const bw_pack *p, const char *name);

/* The parts, one per model file (listed in the table at the top of pack.c). */
/* (none yet) */
extern const struct bw_pack_part bw_pack_part_threats;  /* threat.c */
extern const struct bw_pack_part bw_pack_part_measures; /* measure.c, after threats */
extern const struct bw_pack_part bw_pack_part_effects;  /* effects_pack.c */
extern const struct bw_pack_part bw_pack_part_risk;     /* riskparams.c, after threats */
extern const struct bw_pack_part bw_pack_part_framework; /* framework.c */
extern const struct bw_pack_part bw_pack_part_partners; /* partners.c, after framework */

#endif
