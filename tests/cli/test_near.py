"""Radius queries (`bulwark sites near`) checked against GeographicLib's GeodSolve.

For every centre the distance to every site comes from `GeodSolve -i` (an independent
implementation of Karney's geodesic algorithm); `sites near LAT LON R --json` must return
exactly the sites with distance <= R (sites within 1e-6 m of the circle may go either
way), nearest first (ties by id), each distance_m within 1e-3 m of GeodSolve's.
Registers: the demo (Liechtenstein) and a generated one straddling the antimeridian and
around both poles, imported through CSV.
Run: python3 tests/cli/test_near.py PATH/TO/bulwark
"""

import random
import shutil
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
import bwcli  # noqa: E402
from bwcli import CliTestCase

GEODSOLVE = shutil.which("GeodSolve")
TOL_M = 1e-3        # distance agreement with GeodSolve
EDGE_M = 1e-6       # sites this close to the circle are not judged
RADII = (50, 100, 250, 500, 1000, 2000, 5000, 10000, 20000)


def geodsolve(pairs):
    """Distances in metres for [(lat1, lon1, lat2, lon2), ...], one GeodSolve run."""
    text = "".join("%r %r %r %r\n" % p for p in pairs)
    out = subprocess.run([GEODSOLVE, "-i", "-p", "9"], input=text, capture_output=True,
                         text=True, check=True, timeout=120).stdout.split("\n")
    dist = [float(line.split()[2]) for line in out if line.strip()]
    assert len(dist) == len(pairs), (len(dist), len(pairs))
    return dist


@unittest.skipUnless(GEODSOLVE, "GeodSolve (geographiclib-tools) is not installed")
class NearBase(CliTestCase):

    def sites_and_distances(self, centres):
        """All sites (from `sites list --json`) and, per centre, their GeodSolve distances."""
        sites = self.sites_json()
        self.assertGreater(len(sites), 0)
        pairs = [(c[0], c[1], s["lat"], s["lon"]) for c in centres for s in sites]
        d = geodsolve(pairs)
        n = len(sites)
        return sites, [{s["id"]: d[i * n + k] for k, s in enumerate(sites)}
                       for i in range(len(centres))]

    def near(self, lat, lon, radius, *extra):
        r = self.bw("sites", "near", repr(float(lat)), repr(float(lon)), repr(float(radius)),
                    "--json", *extra)
        self.assertEqual(r.rc, 0, r)
        return r.json()

    def check_query(self, lat, lon, radius, dist):
        """One radius query against the GeodSolve distances @dist (id -> metres)."""
        got = self.near(lat, lon, radius)
        where = "near %r %r %r" % (lat, lon, radius)
        ids = [g["id"] for g in got]
        self.assertEqual(len(ids), len(set(ids)), "%s: a site twice: %s" % (where, ids))
        sure = {i for i, d in dist.items() if d <= radius - EDGE_M}
        maybe = {i for i, d in dist.items() if abs(d - radius) <= EDGE_M}
        self.assertLessEqual(sure, set(ids), "%s: missing %s" % (where, sorted(sure - set(ids))))
        self.assertLessEqual(set(ids), sure | maybe,
                             "%s: too far %s" % (where, sorted(set(ids) - sure - maybe)))
        for g in got:
            self.assertAlmostEqual(g["distance_m"], dist[g["id"]], delta=TOL_M,
                                   msg="%s: distance to %s" % (where, g["id"]))
            for k in ("id", "name", "category", "lat", "lon"):
                self.assertIn(k, g)
        for a, b in zip(got, got[1:]):
            self.assertTrue((a["distance_m"], a["id"]) < (b["distance_m"], b["id"]),
                            "%s: not nearest first (ties by id): %s then %s" % (where, a, b))
        return got

    def check_centres(self, centres, radii=RADII):
        _, dists = self.sites_and_distances(centres)
        total = 0
        for (lat, lon), dist in zip(centres, dists):
            for r in radii:
                total += len(self.check_query(lat, lon, r, dist))
        return total

    def check_boundaries(self, centres, per_centre=4):
        """For a few sites per centre, a radius just above its distance includes it and
        one just below excludes it."""
        _, dists = self.sites_and_distances(centres)
        rnd = random.Random(7)
        for (lat, lon), dist in zip(centres, dists):
            close = sorted((d, i) for i, d in dist.items() if 10.0 < d < 20000.0)
            for d, i in rnd.sample(close, min(per_centre, len(close))):
                above = [g["id"] for g in self.near(lat, lon, d + TOL_M)]
                below = [g["id"] for g in self.near(lat, lon, d - TOL_M)]
                self.assertIn(i, above, "near %r %r %r" % (lat, lon, d + TOL_M))
                self.assertNotIn(i, below, "near %r %r %r" % (lat, lon, d - TOL_M))


class DemoNear(NearBase):
    """The demo register (Liechtenstein)."""

    def setUp(self):
        super().setUp()
        self.demo()

    def centres(self):
        sites = self.sites_json()
        first, mid = sites[0], sites[len(sites) // 2]
        return [
            (47.1410, 9.5209),                          # Vaduz
            (47.1660, 9.5100),                          # Schaan
            (47.2400, 9.5600),                          # north, near the Austrian border
            (47.0500, 9.4800),                          # south of Balzers, outside most sites
            (first["lat"], first["lon"]),               # exactly on a site
            ((first["lat"] + mid["lat"]) / 2, (first["lon"] + mid["lon"]) / 2),
        ]

    def test_radius_queries_match_geodsolve(self):
        found = self.check_centres(self.centres())
        self.assertGreater(found, 500)  # the queries are not all trivially empty

    def test_radius_boundaries(self):
        self.check_boundaries(self.centres())

    def test_zero_radius_on_a_site(self):
        for s in self.sites_json()[:5]:
            got = self.near(s["lat"], s["lon"], 0)
            self.assertIn(s["id"], [g["id"] for g in got])
            for g in got:
                self.assertEqual(g["distance_m"], 0.0)

    def test_limit(self):
        full = self.near(47.1410, 9.5209, 5000)
        self.assertGreater(len(full), 5)
        self.assertEqual(self.near(47.1410, 9.5209, 5000, "--limit", "5"), full[:5])
        self.assertEqual(self.near(47.1410, 9.5209, 5000, "--limit", "0"), full)
        self.assertEqual(self.near(47.1410, 9.5209, 5000, "--limit", "100000"), full)

    def test_whole_earth(self):
        """The largest radius accepted (just above the antipodal distance) returns every site."""
        got = self.near(-47.1410, -170.4791, 20003932)
        self.assertEqual(len(got), len(self.sites_json()))

    def test_upsert_moves_site_in_index(self):
        s = self.sites_json()[0]
        self.assertIn(s["id"], [g["id"] for g in self.near(s["lat"], s["lon"], 1)])
        body = "id,name,category,lat,lon\n%s,Moved,%s,-33.8568,151.2153\n" % (s["id"], s["category"])
        self.ok("import", "sites", self.write("move.csv", body), "--upsert")
        self.assertNotIn(s["id"], [g["id"] for g in self.near(s["lat"], s["lon"], 1)])
        got = self.near(-33.8568, 151.2153, 1)
        self.assertEqual([g["id"] for g in got], [s["id"]])
        self.assertEqual(got[0]["distance_m"], 0.0)

    def test_text_output(self):
        r = self.ok("sites", "near", "47.1410", "9.5209", "1000")
        self.assertRegex(r.out, r"^\s*[0-9.]+ m  ")
        self.assertIn("sites within 1000 m", r.err)

    def test_bad_arguments(self):
        for args in (["91", "9.5", "100"], ["-90.5", "9.5", "100"], ["47", "181", "100"],
                     ["47", "9.5", "-1"], ["47", "9.5", "20003933"], ["x", "9.5", "100"],
                     ["47", "9.5", "ten"], ["nan", "9.5", "100"], ["47", "9.5", "inf"]):
            r = self.bw("sites", "near", *args)
            self.assertEqual(r.rc, 1, r)
            self.assertTrue(r.err.startswith("bulwark: "), r)
            self.assertEqual(r.out, "")
        for args in (["47", "9.5"], ["47", "9.5", "100", "extra"]):
            r = self.bw("sites", "near", *args)
            self.assertEqual(r.rc, 2, r)
        r = self.bw("sites", "near", "47", "9.5", "100", "--limit", "-3")
        self.assertEqual(r.rc, 2, r)


def generated_sites():
    """Sites around the antimeridian and both poles (deterministic)."""
    rows = []
    fixed = [(0, 179.99), (0, -179.99), (0, 180), (0, -180), (0, 179.9999), (0, -179.9999),
             (52, 179.99), (52, -179.99), (-16.5, 179.999), (-16.5, -179.999),
             (89.99, 0), (89.99, 90), (89.99, 180), (89.99, -90), (89.99, 45), (89.999, 10),
             (90, 0), (89.9, -135), (89.5, 60), (-89.99, 0), (-89.99, 180), (-90, 0),
             (-89.999, -100), (-89.9, 20)]
    rnd = random.Random(20240304)
    pts = list(fixed)
    for lat0 in (0.0, 52.0, -16.5, 65.0):
        for _ in range(30):
            lon = rnd.uniform(179.7, 180.3)
            pts.append((lat0 + rnd.uniform(-0.15, 0.15), lon - 360 if lon > 180 else lon))
    for sign in (1, -1):
        for _ in range(40):
            pts.append((sign * (90 - rnd.uniform(0, 0.25) ** 2), rnd.uniform(-180, 180)))
    for k, (lat, lon) in enumerate(pts):
        rows.append("g-%03d,Generated %d,tourist-site,%r,%r\n" % (k, k, lat, lon))
    return "id,name,category,lat,lon\n" + "".join(rows), len(pts)


class EdgeNear(NearBase):
    """A generated register at the antimeridian and the poles, imported via CSV."""

    CENTRES = [
        (0.0, 180.0), (0.0, -180.0), (0.0, -179.995), (0.0, 179.99), (52.0, 179.999),
        (-16.5, -180.0), (65.0, -179.95), (89.99, 0.0), (90.0, 0.0), (90.0, 180.0),
        (89.999, 123.0), (89.9, -135.0), (-90.0, 0.0), (-89.995, -60.0), (-89.99, 180.0),
    ]

    def setUp(self):
        super().setUp()
        self.init()
        csv, self.n = generated_sites()
        r = self.ok("import", "sites", self.write("edge-sites.csv", csv))
        self.assertIn("imported %d sites" % self.n, r.out)

    def test_radius_queries_match_geodsolve(self):
        found = self.check_centres(self.CENTRES, radii=(50, 500, 1000, 2000, 5000, 20000))
        self.assertGreater(found, 300)

    def test_radius_boundaries(self):
        self.check_boundaries(self.CENTRES, per_centre=3)

    def test_across_the_antimeridian(self):
        """From lon 180 both sides are found, at equal distances."""
        got = {g["id"]: g["distance_m"] for g in self.near(0, 180, 1200)}
        self.assertIn("g-000", got)  # lon 179.99
        self.assertIn("g-001", got)  # lon -179.99
        self.assertAlmostEqual(got["g-000"], got["g-001"], delta=1e-6)
        self.assertEqual(got["g-002"], 0.0)  # lon 180
        self.assertEqual(got["g-003"], 0.0)  # lon -180 is the same point

    def test_pole_is_one_point(self):
        """Every longitude at lat 90 is the pole."""
        a = self.near(90, 0, 2000)
        b = self.near(90, -77.7, 2000)
        da = {g["id"]: g["distance_m"] for g in a}
        db = {g["id"]: g["distance_m"] for g in b}
        self.assertEqual(sorted(da), sorted(db))
        for i in da:
            self.assertAlmostEqual(da[i], db[i], delta=1e-6, msg=i)
        self.assertIn("g-016", [g["id"] for g in a])  # the site at the pole
        self.assertIn("g-012", [g["id"] for g in a])  # lat 89.99, lon 180


if __name__ == "__main__":
    bwcli.main()
