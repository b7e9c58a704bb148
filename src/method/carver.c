/*
 * carver.c — CARVER + Shock: score checks, totals, ranking and the workshop CSV sheet
 * (carver.h, methodology.md §1.3).
 *
 * Totals are plain sums of the 1–10 scores (FDA primer); ranking is a stable insertion
 * sort by total, highest first (sheets hold tens of targets, not millions). The CSV
 * reader is deliberately small: a fixed header, unquoted fields, integers only; every
 * error names the line and the column. Pure functions, no allocation.
 */
#include "carver.h"
#include "error.h"

#include <string.h>

static const char *const attr_names[BW_CARVER_NATTR] = {
    "criticality", "accessibility", "recuperability", "vulnerability",
    "effect",      "recognizability", "shock"};

const char *bw_carver_attr_name(int attr)
{
    return attr >= 0 && attr < BW_CARVER_NATTR ? attr_names[attr] : "?";
}

int bw_carver_score(struct bw_carver_target *t, size_t n, int shock, struct bw_diag *d)
{
    int na = shock ? BW_CARVER_NATTR : BW_CARVER_NATTR - 1;
    for (size_t i = 0; i < n; i++) {
        int total = 0;
        for (int a = 0; a < na; a++) {
            int s = t[i].score[a];
            if (s < BW_CARVER_MIN || s > BW_CARVER_MAX)
                return bw_diag_set(d, BW_ERANGE, attr_names[a],
                                   "target '%.*s': %s score %d is outside %d..%d",
                                   (int)t[i].name_len, t[i].name ? t[i].name : "?",
                                   attr_names[a], s, BW_CARVER_MIN, BW_CARVER_MAX);
            total += s;
        }
        t[i].total = total;
    }
    return BW_OK;
}

void bw_carver_rank(const struct bw_carver_target *t, size_t n, size_t *order)
{
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && t[order[j - 1]].total < t[i].total) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}
