/*
 * geo.h — geodesy on the WGS84 ellipsoid and polygons in longitude/latitude.
 *
 * Distances use Karney's algorithm (C. F. F. Karney, "Algorithms for geodesics",
 * J. Geodesy 87, 43–55, 2013) through PROJ's geodesic.h: accurate to about 15 nm, the
 * same algorithm as GeographicLib's GeodSolve, which the tests use as the oracle.
 * Polygons follow GeoJSON (RFC 7946): rings of [lon, lat] positions, first ring outer,
 * others holes; a multipolygon is a list of such polygons. Containment is planar in
 * lon/lat (RFC 7946 §3.1.1 says lines are straight in that plane), with the even-odd
 * rule per polygon.
 *
 * Thread-safety: all functions are pure; a polygon may be read by many threads.
 * Ownership: struct bw_polygon owns its arrays; free with bw_polygon_release.
 */
#ifndef BW_GEO_H
#define BW_GEO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bw_diag;
struct bw_buf;

/** WGS84 semi-major axis (m) and flattening (NIMA TR8350.2). */
#define BW_WGS84_A 6378137.0
#define BW_WGS84_F (1.0 / 298.257223563)

/** True when lat is in [-90, 90] and lon in [-180, 180] and both are finite. */
int bw_geo_valid(double lat, double lon);

/** Geodesic distance in metres between two points (degrees) on WGS84. */
double bw_geo_distance(double lat1, double lon1, double lat2, double lon2);
/** Area in m² on the WGS84 ellipsoid of the ring of @p n positions (lon, lat pairs),
 *  whatever its orientation; a closing position equal to the first is ignored. */
double bw_geo_ring_area(const double *lonlat, size_t n);

/** Geodesic distance and forward azimuths (degrees) at both ends. */
void bw_geo_inverse(double lat1, double lon1, double lat2, double lon2, double *s12,
                    double *azi1, double *azi2);

/** A latitude/longitude box; min_lon > max_lon never occurs (split at ±180 instead). */
struct bw_bbox {
    double min_lat, max_lat, min_lon, max_lon;
};

/**
 * Boxes that contain every point within @p radius_m metres of (lat, lon). Writes one
 * box, or two when the circle crosses the antimeridian, into @p out and returns the
 * count. The boxes are conservative (slightly larger than the circle).
 */
int bw_geo_bbox_radius(double lat, double lon, double radius_m, struct bw_bbox out[2]);

/**
 * A polygon or multipolygon. Positions are pairs (lon, lat) in pts; ring r spans
 * positions [ring_start[r], ring_start[r+1]); polygon k spans rings
 * [poly_start[k], poly_start[k+1]) and its first ring is the outer one.
 */
struct bw_polygon {
    double *pts;          /**< 2 * npts doubles, lon then lat; owned */
    uint32_t *ring_start; /**< nrings + 1 entries; owned */
    uint32_t *poly_start; /**< npolys + 1 entries; owned */
    uint32_t npts, nrings, npolys;
};

/** Frees the arrays and zeroes the struct. Accepts NULL. */
void bw_polygon_release(struct bw_polygon *p);

/**
 * Parses GeoJSON geometry text of type Polygon or MultiPolygon. Checks each ring is
 * closed with at least 4 positions, every position is a valid lon/lat, and the limits
 * BW_POLYGON_VERTICES_MAX and BW_POLYGON_RINGS_MAX. On error fills @p d (field
 * "geometry") and returns BW_EPARSE, BW_EINVAL, BW_ETOOBIG or BW_ENOMEM; @p out is
 * then empty. On success the caller owns @p out.
 */
int bw_polygon_parse(const char *text, size_t n, struct bw_diag *d, struct bw_polygon *out);

/** Appends canonical compact GeoJSON for @p p (shortest round-trip numbers) to @p b. */
int bw_polygon_write(const struct bw_polygon *p, struct bw_buf *b);

/** True when the point lies inside (boundary points may go either way). */
int bw_polygon_contains(const struct bw_polygon *p, double lat, double lon);

/**
 * The area-weighted planar centroid of the outer rings minus holes, in degrees. Falls
 * back to the mean of the outer ring's vertices for degenerate (zero-area) shapes.
 */
void bw_polygon_centroid(const struct bw_polygon *p, double *lat, double *lon);

/** Area in m² on the WGS84 ellipsoid: outer rings minus their holes. */
double bw_polygon_area_m2(const struct bw_polygon *p);

#ifdef __cplusplus
}
#endif
#endif
