"""Export -> import -> export gives identical bytes, for sites, orgs, deps and roles, in
CSV and GeoJSON, starting from the demo register and from a fixture of awkward values
(tests/data/cli/roundtrip: quotes, commas, spaces, Unicode, tabs, extreme coordinates,
shortest-round-trip numbers, polygons with holes, multipolygons, centroid locations,
machine tags with values, links, directed links).

The re-import goes into a freshly initialised database, entity by entity in reference
order (orgs, sites, deps, roles). Cross-format: importing the CSV export and exporting
GeoJSON (and the reverse) also gives the original bytes.
Run: python3 tests/cli/test_roundtrip.py PATH/TO/bulwark
"""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
import bwcli  # noqa: E402
from bwcli import ENTITIES, CliTestCase

FORMATS = ("csv", "geojson")


class RoundTrip(CliTestCase):

    def source(self, which):
        """Builds the source register at self.db."""
        if which == "demo":
            self.demo()
        else:
            self.load_fixture(os.path.join(bwcli.DATA, "roundtrip"))
        counts = self.counts()
        for k, v in counts.items():
            self.assertGreater(v, 0, "source register has no %s" % k)
        return counts

    def check_roundtrip(self, which, fmt):
        counts = self.source(which)
        original = {(e, f): self.export(e, f) for e in ENTITIES for f in FORMATS}
        fresh = self.path("fresh.db")
        self.init(db=fresh)
        for e in ENTITIES:
            p = self.write("%s.%s" % (e, fmt), original[(e, fmt)])
            r = self.ok("import", e, p, "--format", fmt, db=fresh)
            self.assertIn("imported ", r.out)
        self.assertEqual(self.counts(db=fresh), counts)
        for e in ENTITIES:
            for f in FORMATS:
                with self.subTest(entity=e, export_format=f):
                    again = self.export(e, f, db=fresh)
                    self.assertEqual(original[(e, f)], again,
                                     "%s: %s import then %s export differs" % (e, fmt, f))

    def test_demo_csv(self):
        self.check_roundtrip("demo", "csv")

    def test_demo_geojson(self):
        self.check_roundtrip("demo", "geojson")

    def test_fixture_csv(self):
        self.check_roundtrip("fixture", "csv")

    def test_fixture_geojson(self):
        self.check_roundtrip("fixture", "geojson")

    def test_fixture_is_canonicalised_once(self):
        """The fixture's own (non-canonical) CSV differs from the export, but the export
        is a fixed point: lists trimmed and joined, numbers in shortest form."""
        self.source("fixture")
        with open(os.path.join(bwcli.DATA, "roundtrip", "orgs.csv"), "rb") as f:
            raw = f.read()
        out = self.export("orgs")
        self.assertNotEqual(raw, out)
        self.assertIn(b"health;energy.electricity,north;south,", out)
        sites = self.export("sites")
        self.assertIn(b"s-tiny,Tiny numbers,tourist-site,1e-07,-1e-07,", sites)
        self.assertIn(b",47.123456789012344,9.987654321098764,", sites)
        self.assertTrue(sites.startswith(
            b"id,name,category,lat,lon,capacity,operator,supplies,population_served,region,"
            b"tags,footprint\r\n"))

    def test_export_to_file_matches_stdout(self):
        self.demo()
        for e in ENTITIES:
            for f in FORMATS:
                out = self.path("%s.%s" % (e, f))
                r = self.ok("export", e, "--format", f, "-o", out)
                self.assertEqual(r.out, "")
                with open(out, "rb") as fh:
                    self.assertEqual(fh.read(), self.export(e, f), (e, f))
        leftovers = [n for n in os.listdir(self.dir) if ".tmp." in n]
        self.assertEqual(leftovers, [])

    def test_export_to_unwritable_path_fails_cleanly(self):
        self.demo()
        r = self.bw("export", "sites", "-o", os.path.join(self.dir, "no-such-dir", "s.csv"))
        self.assertEqual(r.rc, 1, r)
        self.assertIn("no-such-dir", r.err)

    def test_upsert_of_own_export_changes_nothing(self):
        self.demo()
        before = self.snapshot(formats=FORMATS)
        for e in ENTITIES:
            for f in FORMATS:
                p = self.write("%s.%s" % (e, f), before[(e, f)])
                self.ok("import", e, p, "--upsert")
        after = self.snapshot(formats=FORMATS)
        for k in before:
            if k != "sql":  # rowids may differ after INSERT OR REPLACE; the data may not
                self.assertEqual(before[k], after[k], k)

    def import_variants(self, entity, variants):
        """Imports each variant into its own fresh database; all must export the same."""
        exports = []
        for k, (name, body) in enumerate(variants):
            db = self.path("v%d.db" % k)
            self.init(db=db)
            r = self.ok("import", entity, self.write(name, body), db=db)
            self.assertIn("imported 2 ", r.out, name)
            exports.append((name, self.export(entity, db=db), self.export(entity, "geojson", db=db)))
        for name, c, g in exports[1:]:
            self.assertEqual(c, exports[0][1], "%s vs %s" % (name, exports[0][0]))
            self.assertEqual(g, exports[0][2], "%s vs %s" % (name, exports[0][0]))

    def test_csv_dialects(self):
        """BOM, CRLF, no final newline, quoted headers and cells, blank lines, column order."""
        rows = [["id", "name", "category", "lat", "lon", "capacity"],
                ["v-1", "Vee one", "hospital", "47.3", "9.4", "250"],
                ["v-2", "Vee, two", "tourist-site", "-12.5", "-77.25", ""]]

        def render(rs, nl="\n", quote_all=False):
            out = []
            for r in rs:
                cells = ['"%s"' % c.replace('"', '""') if quote_all or "," in c else c for c in r]
                out.append(",".join(cells))
            return nl.join(out)

        swapped = [[r[5], r[4], r[3], r[2], r[1], r[0]] for r in rows]
        self.import_variants("sites", [
            ("lf.csv", render(rows) + "\n"),
            ("crlf.csv", render(rows, "\r\n") + "\r\n"),
            ("bom.csv", "\ufeff" + render(rows, "\r\n") + "\r\n"),
            ("no-final-newline.csv", render(rows)),
            ("quoted.csv", render(rows, quote_all=True) + "\n"),
            ("blank-lines.csv", "\n" + render(rows, "\n\n") + "\n\n"),
            ("column-order.csv", render(swapped) + "\n"),
        ])

    def test_geojson_variants(self):
        """Feature-level id, 3-D positions, extra members, pretty printing, null members."""
        compact = ('{"type":"FeatureCollection","features":['
                   '{"type":"Feature","geometry":{"type":"Point","coordinates":[9.4,47.3]},'
                   '"properties":{"id":"v-1","name":"Vee one","category":"hospital","capacity":250}},'
                   '{"type":"Feature","geometry":{"type":"Point","coordinates":[-77.25,-12.5]},'
                   '"properties":{"id":"v-2","name":"Vee, two","category":"tourist-site"}}]}')
        fancy = ('\ufeff{\n  "name": "test", "bbox": [-78, -13, 10, 48],\n'
                 '  "features": [\n'
                 '    {"id": "v-1", "type": "Feature", "properties": {"name": "Vee one",\n'
                 '       "category": "hospital", "capacity": 250, "region": null},\n'
                 '     "geometry": {"type": "Point", "coordinates": [9.4, 47.3, 455.5]}},\n'
                 '    {"type": "Feature", "geometry": {"coordinates": [-77.25, -12.5], "type": "Point"},\n'
                 '     "properties": {"id": "v-2", "category": "tourist-site", "name": "Vee, two",'
                 ' "tags": []}}\n'
                 '  ],\n  "type": "FeatureCollection"\n}\n')
        self.import_variants("sites", [("compact.geojson", compact), ("fancy.geojson", fancy),
                                       ("as.json", compact)])

    def test_empty_register_exports(self):
        self.init()
        self.assertEqual(self.export("sites"),
                         b"id,name,category,lat,lon,capacity,operator,supplies,"
                         b"population_served,region,tags,footprint\r\n")
        self.assertEqual(self.export("roles", "geojson"),
                         b'{"type":"FeatureCollection","features":[\n]}\n')
        # ... and those empty files import as zero records
        fresh = self.path("fresh.db")
        self.init(db=fresh)
        for e in ENTITIES:
            for f in FORMATS:
                p = self.write("%s.%s" % (e, f), self.export(e, f))
                r = self.ok("import", e, p, db=fresh)
                self.assertIn("imported 0 ", r.out)


if __name__ == "__main__":
    bwcli.main()
