/*
 * geodesic.c — distances and search boxes on the WGS84 ellipsoid.
 *
 * Distances come from Karney's geodesic algorithm as shipped by PROJ (geodesic.h), the
 * same code GeographicLib's GeodSolve runs, so tests can hold us to nanometres.
 * Search boxes for radius queries are derived conservatively: the latitude span uses
 * the meridional radius of curvature at its smallest (on the equator) and the
 * longitude span the parallel's radius at the box's most poleward latitude, then both
 * are widened by 0.1 % so rounding can never drop a point; polar caps take all
 * longitudes. Areas of rings are Karney's geodesic polygon areas (geod_polygonarea's
 * incremental form), as GeographicLib's Planimeter computes them. Thread-safe: the ellipsoid is initialised once and then only read.
 */
#include "geo.h"

#include <geodesic.h>
#include <math.h>
#include <pthread.h>

static struct geod_geodesic wgs84;
static pthread_once_t wgs84_once = PTHREAD_ONCE_INIT;

static void init_wgs84(void)
{
    geod_init(&wgs84, BW_WGS84_A, BW_WGS84_F);
}

int bw_geo_valid(double lat, double lon)
{
    return isfinite(lat) && isfinite(lon) && lat >= -90.0 && lat <= 90.0 && lon >= -180.0 &&
           lon <= 180.0;
}

void bw_geo_inverse(double lat1, double lon1, double lat2, double lon2, double *s12,
                    double *azi1, double *azi2)
{
    double s = 0, a1 = 0, a2 = 0;

    pthread_once(&wgs84_once, init_wgs84);
    geod_inverse(&wgs84, lat1, lon1, lat2, lon2, &s, &a1, &a2);
    if (s12)
        *s12 = s;
    if (azi1)
        *azi1 = a1;
    if (azi2)
        *azi2 = a2;
}

double bw_geo_distance(double lat1, double lon1, double lat2, double lon2)
{
    double s = 0;

    pthread_once(&wgs84_once, init_wgs84);
    geod_inverse(&wgs84, lat1, lon1, lat2, lon2, &s, NULL, NULL);
    return s;
}

double bw_geo_ring_area(const double *lonlat, size_t n)
{
    double area = 0;
    struct geod_polygon poly;

    pthread_once(&wgs84_once, init_wgs84);
    geod_polygon_init(&poly, 0);
    /* A closed ring repeats its first position last; the polygon closes itself. */
    if (n > 1 && lonlat[0] == lonlat[2 * (n - 1)] && lonlat[1] == lonlat[2 * (n - 1) + 1])
        n--;
    for (size_t i = 0; i < n; i++)
        geod_polygon_addpoint(&wgs84, &poly, lonlat[2 * i + 1], lonlat[2 * i]);
    geod_polygon_compute(&wgs84, &poly, 0, 1, &area, NULL);
    return fabs(area);
}

int bw_geo_bbox_radius(double lat, double lon, double radius_m, struct bw_bbox out[2])
{
    const double deg = M_PI / 180.0;
    const double e2 = BW_WGS84_F * (2.0 - BW_WGS84_F);
    /* Smallest meridional radius of curvature, M = a(1-e²), found at the equator. */
    const double m_min = BW_WGS84_A * (1.0 - e2);
    double r = radius_m * 1.001 + 1.0;
    double dlat = r / m_min / deg;
    double lo = lat - dlat, hi = lat + dlat;
    double far, n_far, p_far, dlon;

    if (lo <= -90.0 || hi >= 90.0) {
        out[0] = (struct bw_bbox){lo < -90.0 ? -90.0 : lo, hi > 90.0 ? 90.0 : hi, -180.0, 180.0};
        return 1;
    }
    /* The parallel circle radius N·cos(φ) is smallest at the most poleward latitude. */
    far = fabs(lo) > fabs(hi) ? fabs(lo) : fabs(hi);
    n_far = BW_WGS84_A / sqrt(1.0 - e2 * sin(far * deg) * sin(far * deg));
    p_far = n_far * cos(far * deg);
    if (r >= M_PI * p_far) {
        out[0] = (struct bw_bbox){lo, hi, -180.0, 180.0};
        return 1;
    }
    dlon = r / p_far / deg;
    if (dlon >= 180.0) {
        out[0] = (struct bw_bbox){lo, hi, -180.0, 180.0};
        return 1;
    }
    if (lon - dlon < -180.0) {
        out[0] = (struct bw_bbox){lo, hi, -180.0, lon + dlon};
        out[1] = (struct bw_bbox){lo, hi, lon - dlon + 360.0, 180.0};
        return 2;
    }
    if (lon + dlon > 180.0) {
        out[0] = (struct bw_bbox){lo, hi, lon - dlon, 180.0};
        out[1] = (struct bw_bbox){lo, hi, -180.0, lon + dlon - 360.0};
        return 2;
    }
    out[0] = (struct bw_bbox){lo, hi, lon - dlon, lon + dlon};
    return 1;
}
