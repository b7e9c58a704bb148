/*
 * isotime.h — ISO 8601 UTC times as bulwark stores and accepts them.
 *
 * Stored times are "YYYY-MM-DDTHH:MM:SS.sssZ" (milliseconds, always UTC), which sort as
 * the instants they name. Accepted input is "YYYY-MM-DD", optionally followed by
 * "THH:MM", ":SS" and ".fraction", and an optional "Z" — always UTC (no offsets).
 * Pure functions; thread-safe.
 */
#ifndef BW_ISOTIME_H
#define BW_ISOTIME_H

#ifdef __cplusplus
extern "C" {
#endif

/** Room for a formatted time with its NUL. */
#define BW_ISOTIME_SIZE 32

/** Parses @p s into seconds since 1970 (UTC). Returns 0, or -1 when malformed (bad
 *  digits, month, day of that month, hour, minute or second). */
int bw_isotime_parse(const char *s, double *secs);
/** Formats @p secs as "YYYY-MM-DDTHH:MM:SS.sssZ" (rounded to the millisecond). */
void bw_isotime_format(double secs, char out[BW_ISOTIME_SIZE]);
/** The current time as seconds since 1970 (UTC), to the millisecond. */
double bw_isotime_now(void);

#ifdef __cplusplus
}
#endif
#endif
