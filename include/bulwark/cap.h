/*
 * cap.h — OASIS Common Alerting Protocol 1.2 alerts: the record, its checks, the XML
 * writer and the safe reader (docs/cap.md).
 *
 * struct bw_cap_alert is plain data mirroring the CAP 1.2 <alert> element by element
 * (OASIS CAP-v1.2-os, methodology.md §4.1). Callers build one with designated
 * initialisers (a warning converted for publication), bw_cap_write turns it into XML
 * that validates against the OASIS schema, and bw_cap_parse reads a partner's file back
 * into the same record, refusing DOCTYPEs (entity expansion, XXE), anything outside CAP
 * 1.2, and what the schema or the specification forbids.
 *
 * Ownership: the record borrows every string and array it points to. For a parsed
 * alert they live in the arena given to bw_cap_parse; for a record built by a caller
 * they belong to the caller and must outlive the calls. NULL strings are absent
 * elements; "" is an element present but empty. Times are CAP text
 * ("2003-06-17T14:57:00-07:00"); bw_cap_time_format makes one from a time_t.
 *
 * Thread-safety: all functions are reentrant; bw_cap_parse and bw_cap_write use
 * libxml2, whose parser and writer are thread-safe when each thread has its own
 * context (they do: nothing is shared). Call bw_cap_init() once at start-up before
 * threads parse (it initialises libxml2); bw_cap_parse calls it too.
 */
#ifndef BW_CAP_H
#define BW_CAP_H

#include "arena.h"
#include "buf.h"
#include "error.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The CAP 1.2 XML namespace. */
#define BW_CAP_NS "urn:oasis:names:tc:emergency:cap:1.2"
/** The MIME type of a CAP file (IANA registration, CAP 1.2 §3.1). */
#define BW_CAP_MIME "application/cap+xml"

/** Largest CAP document bw_cap_parse reads (bytes). */
#define BW_CAP_MAX_BYTES (4u << 20)
/** Most elements in one CAP document. */
#define BW_CAP_MAX_ELEMENTS 100000
/** Deepest element nesting in a CAP document (CAP needs 5: alert/info/area/geocode/value). */
#define BW_CAP_MAX_DEPTH 16
/** Most points in one polygon. */
#define BW_CAP_MAX_POINTS 100000
/** Largest output of bw_cap_write (bytes). */
#define BW_CAP_WRITE_MAX (64u << 20)

/* ---- enumerations (each with a name table in schema spelling) ------------------------- */

enum bw_cap_status {
    BW_CAP_STATUS_ACTUAL,
    BW_CAP_STATUS_EXERCISE,
    BW_CAP_STATUS_SYSTEM,
    BW_CAP_STATUS_TEST,
    BW_CAP_STATUS_DRAFT,
    BW_CAP_STATUS_COUNT
};
enum bw_cap_msg_type {
    BW_CAP_MSG_ALERT,
    BW_CAP_MSG_UPDATE,
    BW_CAP_MSG_CANCEL,
    BW_CAP_MSG_ACK,
    BW_CAP_MSG_ERROR,
    BW_CAP_MSG_COUNT
};
enum bw_cap_scope {
    BW_CAP_SCOPE_PUBLIC,
    BW_CAP_SCOPE_RESTRICTED,
    BW_CAP_SCOPE_PRIVATE,
    BW_CAP_SCOPE_COUNT
};
enum bw_cap_category {
    BW_CAP_CAT_GEO,
    BW_CAP_CAT_MET,
    BW_CAP_CAT_SAFETY,
    BW_CAP_CAT_SECURITY,
    BW_CAP_CAT_RESCUE,
    BW_CAP_CAT_FIRE,
    BW_CAP_CAT_HEALTH,
    BW_CAP_CAT_ENV,
    BW_CAP_CAT_TRANSPORT,
    BW_CAP_CAT_INFRA,
    BW_CAP_CAT_CBRNE,
    BW_CAP_CAT_OTHER,
    BW_CAP_CAT_COUNT
};
enum bw_cap_response {
    BW_CAP_RESP_SHELTER,
    BW_CAP_RESP_EVACUATE,
    BW_CAP_RESP_PREPARE,
    BW_CAP_RESP_EXECUTE,
    BW_CAP_RESP_AVOID,
    BW_CAP_RESP_MONITOR,
    BW_CAP_RESP_ASSESS,
    BW_CAP_RESP_ALLCLEAR,
    BW_CAP_RESP_NONE,
    BW_CAP_RESP_COUNT
};
enum bw_cap_urgency {
    BW_CAP_URG_IMMEDIATE,
    BW_CAP_URG_EXPECTED,
    BW_CAP_URG_FUTURE,
    BW_CAP_URG_PAST,
    BW_CAP_URG_UNKNOWN,
    BW_CAP_URG_COUNT
};
enum bw_cap_severity {
    BW_CAP_SEV_EXTREME,
    BW_CAP_SEV_SEVERE,
    BW_CAP_SEV_MODERATE,
    BW_CAP_SEV_MINOR,
    BW_CAP_SEV_UNKNOWN,
    BW_CAP_SEV_COUNT
};
enum bw_cap_certainty {
    BW_CAP_CERT_OBSERVED,
    BW_CAP_CERT_LIKELY,
    BW_CAP_CERT_POSSIBLE,
    BW_CAP_CERT_UNLIKELY,
    BW_CAP_CERT_UNKNOWN,
    BW_CAP_CERT_COUNT
};

/** Name tables, indexed by the enums above ("Actual", "Alert", "Public", "Security", …). */
extern const char *const bw_cap_status_names[BW_CAP_STATUS_COUNT];
extern const char *const bw_cap_msg_type_names[BW_CAP_MSG_COUNT];
extern const char *const bw_cap_scope_names[BW_CAP_SCOPE_COUNT];
extern const char *const bw_cap_category_names[BW_CAP_CAT_COUNT];
extern const char *const bw_cap_response_names[BW_CAP_RESP_COUNT];
extern const char *const bw_cap_urgency_names[BW_CAP_URG_COUNT];
extern const char *const bw_cap_severity_names[BW_CAP_SEV_COUNT];
extern const char *const bw_cap_certainty_names[BW_CAP_CERT_COUNT];

/**
 * The index of @p s (exact, case-sensitive, as the schema spells it) in @p names[0..n),
 * or -1. Example: bw_cap_enum_find(bw_cap_scope_names, BW_CAP_SCOPE_COUNT, "Private").
 */
int bw_cap_enum_find(const char *const *names, size_t n, const char *s);

/* ---- the record ------------------------------------------------------------------------ */

/** A valueName/value pair (eventCode, parameter, geocode). Both required. */
struct bw_cap_pair {
    const char *name;
    const char *value;
};

/** A WGS 84 point in decimal degrees. */
struct bw_cap_point {
    double lat;
    double lon;
};

/** A closed ring: at least 4 points, the first equal to the last (CAP 1.2 §3.2.4). */
struct bw_cap_polygon {
    const struct bw_cap_point *points;
    size_t n_points;
};

/** A circle: centre and radius in kilometres. */
struct bw_cap_circle {
    double lat;
    double lon;
    double radius_km;
};

/** <resource>: resourceDesc and mimeType required; size when has_size. */
struct bw_cap_resource {
    const char *desc;
    const char *mime_type;
    int has_size;
    int64_t size;
    const char *uri;
    const char *deref_uri;
    const char *digest;
};

/** <area>: areaDesc required; altitude and ceiling in feet (ceiling only with altitude). */
struct bw_cap_area {
    const char *desc;
    const struct bw_cap_polygon *polygons;
    size_t n_polygons;
    const struct bw_cap_circle *circles;
    size_t n_circles;
    const struct bw_cap_pair *geocodes;
    size_t n_geocodes;
    int has_altitude;
    double altitude;
    int has_ceiling;
    double ceiling;
};

/** <info>: event, urgency, severity, certainty and at least one category required. */
struct bw_cap_info {
    const char *language; /**< RFC 3066 tag, or NULL (CAP's default is en-US) */
    const enum bw_cap_category *categories;
    size_t n_categories;
    const char *event;
    const enum bw_cap_response *responses;
    size_t n_responses;
    enum bw_cap_urgency urgency;
    enum bw_cap_severity severity;
    enum bw_cap_certainty certainty;
    const char *audience;
    const struct bw_cap_pair *event_codes;
    size_t n_event_codes;
    const char *effective; /**< CAP dateTime or NULL */
    const char *onset;
    const char *expires;
    const char *sender_name;
    const char *headline;
    const char *description;
    const char *instruction;
    const char *web;
    const char *contact;
    const struct bw_cap_pair *parameters;
    size_t n_parameters;
    const struct bw_cap_resource *resources;
    size_t n_resources;
    const struct bw_cap_area *areas;
    size_t n_areas;
};

/** <alert>: identifier, sender, sent, status, msgType and scope required. */
struct bw_cap_alert {
    const char *identifier; /**< no spaces, commas, '<' or '&' */
    const char *sender;     /**< the same rule */
    const char *sent;       /**< CAP dateTime, e.g. "2026-12-01T03:00:00-00:00" */
    enum bw_cap_status status;
    enum bw_cap_msg_type msg_type;
    const char *source;
    enum bw_cap_scope scope;
    const char *restriction; /**< required (non-empty) when scope is Restricted */
    const char *addresses;   /**< required (non-empty) when scope is Private */
    const char *const *codes;
    size_t n_codes;
    const char *note;
    const char *references; /**< "sender,identifier,sent" triples, space-separated */
    const char *incidents;
    const struct bw_cap_info *infos;
    size_t n_infos;
};

/* ---- functions ------------------------------------------------------------------------- */

/** Initialises libxml2 once (idempotent, thread-safe). Returns BW_OK. */
int bw_cap_init(void);

/** Length of a CAP dateTime, without its NUL ("2003-06-17T14:57:00-07:00"). */
#define BW_CAP_TIME_LEN 25

/**
 * Writes @p t as a CAP dateTime in UTC, which CAP 1.2 spells with the offset "-00:00".
 * Returns BW_OK, or BW_ERANGE for a year outside 0001..9999.
 */
int bw_cap_time_format(time_t t, char out[BW_CAP_TIME_LEN + 1]);

/**
 * Checks a CAP dateTime: the schema's pattern YYYY-MM-DDThh:mm:ss±hh:mm and real values
 * (month, day of that month, hour ≤ 23, offset ≤ 14:00). On success, when @p t is not
 * NULL, *t is the instant as a time_t. Returns BW_OK or BW_EINVAL.
 */
int bw_cap_time_parse(const char *s, time_t *t);

/**
 * Checks what the schema cannot express (or expresses only as a type) before an alert
 * is written or after one is read: required strings present; identifier and sender
 * non-empty without spaces, commas, '<' or '&'; every dateTime with an offset and real
 * values; restriction when Restricted, addresses when Private; enums in range; at least
 * one category per info; language a valid tag; polygons of ≥ 4 points, closed, with
 * lat in -90..90 and lon in -180..180; circles with a centre in range and radius ≥ 0;
 * ceiling only with altitude; every string valid UTF-8 with no control characters
 * XML 1.0 cannot carry. The first error goes to @p d with the field named by its path,
 * e.g. "info[0].area[1].polygon[0]". Returns BW_OK or BW_EINVAL.
 */
int bw_cap_check(const struct bw_cap_alert *a, struct bw_diag *d);

/**
 * Appends the alert as a CAP 1.2 XML document (UTF-8, namespace BW_CAP_NS, elements in
 * schema order, two-space indentation, numbers in the shortest fixed-point form that
 * reads back to the same double) to @p out. The bytes are a function of the record
 * alone, so the same alert always gives the same file (signatures rely on it). Runs
 * bw_cap_check first. Returns BW_OK, BW_EINVAL (with @p d), BW_ETOOBIG or BW_ENOMEM;
 * on error @p out is left as it was.
 */
int bw_cap_write(const struct bw_cap_alert *a, struct bw_buf *out, struct bw_diag *d);

/**
 * Reads a CAP 1.2 document safely: at most BW_CAP_MAX_BYTES, no network, no entity
 * substitution, no DTD loading, and any DOCTYPE refused outright ("NAME: line N:
 * DOCTYPE is not allowed in CAP (entity expansion refused)"), so XXE and
 * billion-laughs documents never expand. Refuses another root or namespace (CAP 1.1
 * with its own message), unknown or repeated elements, elements out of schema order,
 * missing required elements and bad values, each with its line and field; then runs
 * bw_cap_check. XML-DSig <Signature> elements at the end of the alert are skipped (not
 * verified). @p name labels the diagnostics (a file name). Everything in @p out lives in
 * @p a. Returns BW_OK, BW_EPARSE (not well-formed XML or not CAP), BW_EINVAL (a bad
 * value), BW_ETOOBIG or BW_ENOMEM, with @p d filled.
 */
int bw_cap_parse(const char *xml, size_t len, const char *name, struct bw_arena *a,
                 struct bw_cap_alert *out, struct bw_diag *d);

/**
 * True when @p x and @p y hold the same alert: every string equal (NULL only equals
 * NULL), every number equal, arrays equal element by element. Used to prove a round
 * trip (parse → write → parse) loses nothing.
 */
int bw_cap_equal(const struct bw_cap_alert *x, const struct bw_cap_alert *y);

#ifdef __cplusplus
}
#endif
#endif
