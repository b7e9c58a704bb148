/*
 * dep.h — a dependency between two sites.
 *
 * kind "supply": `site` needs `service` from `supplier`; suppliers of one service in
 * the same redundancy group back each other up (`needs` of them must have the service,
 * 1 by default), and buffer_hours (generators, tanks) delay the loss. kind "link": a line or pipe of the service network between two
 * infrastructure sites, undirected unless `directed`. Pure functions.
 */
#ifndef BW_DEP_H
#define BW_DEP_H

#include "pack.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bw_arena;
struct bw_diag;

enum bw_dep_kind { BW_DEP_SUPPLY = 0, BW_DEP_LINK = 1 };

/** A dependency. */
struct bw_dep {
    const char *site;     /**< the dependant (or one end of a link) */
    const char *supplier; /**< the supplier (or the other end of a link) */
    const char *service;  /**< service id from the pack */
    enum bw_dep_kind kind;
    const char *redundancy_group; /**< or NULL */
    double buffer_hours;          /**< >= 0; 0 when absent */
    int directed;                 /**< links only: 1 when one-way (supplier → site) */
    int needs;                    /**< supply only: k of the group's n suppliers (>= 1) */
};

extern const struct bw_column bw_dep_columns[];
extern const size_t bw_dep_ncolumns;

/** Validates a dependency record (site references are checked by the store). */
int bw_dep_from_record(const bw_pack *pack, const struct bw_record *r, struct bw_arena *a,
                       struct bw_diag *d, struct bw_dep *out);
/** Renders a dependency in bw_dep_columns order. */
int bw_dep_to_values(const struct bw_dep *dep, struct bw_arena *a, struct bw_str *vals);
/** "supply" or "link". */
const char *bw_dep_kind_name(enum bw_dep_kind k);

#ifdef __cplusplus
}
#endif
#endif
