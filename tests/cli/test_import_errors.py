"""Bad input to `bulwark import`: exit code 1, a message naming the file, the line (or
GeoJSON feature) and the field, and the database exactly as it was.

Each case imports into a copy of a small register (tests/data/cli/base) and, where the
format allows, puts good records before the bad one, so a partial write would show in
the before/after comparison (the four CSV exports and an SQL dump of every table).
Run: python3 tests/cli/test_import_errors.py PATH/TO/bulwark
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
import bwcli  # noqa: E402
from bwcli import CliTestCase

SITE_HDR = "id,name,category,lat,lon,capacity,operator,supplies,population_served,region,tags,footprint\n"
GOOD_SITE = "t-new,New Site,hospital,47.2,9.6,100,t-op,,,north,,\n"


def feature(props, geometry='{"type":"Point","coordinates":[9.6,47.2]}'):
    return '{"type":"Feature","geometry":%s,"properties":%s}' % (geometry, props)


def collection(*features):
    """A FeatureCollection with one feature per line: feature i is on line i + 2."""
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n"


GOOD_FEATURE = feature('{"id":"t-new","name":"New Site","category":"hospital","capacity":100}')
OPEN_RING = '{"type":"Polygon","coordinates":[[[9.5,47.1],[9.6,47.1],[9.6,47.2],[9.5,47.2]]]}'

def pretty_cases():
    """Pretty-printed GeoJSON: the line is where the feature starts, or for a JSON syntax
    error the line of the error."""
    import json
    fs = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [9.5 + i / 100, 47.1]},
           "properties": {"id": "t-p%d" % i, "name": "P", "category": "hospital"}}
          for i in range(3)]
    fs[2]["properties"]["category"] = "castle"
    text = json.dumps({"type": "FeatureCollection", "features": fs}, indent=2) + "\n"
    starts = [n + 1 for n, line in enumerate(text.split("\n")) if line == "    {"]
    syntax = text.replace('"name": "P"', '"name": "P" "oops"')
    oops = 1 + syntax.split("\n").index(next(l for l in syntax.split("\n") if "oops" in l))
    return [
        ("geojson_pretty_line_is_feature_start", "sites", "sites.geojson", text,
         ["sites.geojson:%d:" % starts[2], "feature 2", "field 'category'"]),
        ("geojson_pretty_syntax_error_line", "sites", "sites.geojson", syntax,
         ["sites.geojson:%d:" % oops, "feature 0", "invalid JSON"]),
    ]


# (name, entity, file name, content, fragments the message must contain)
# A fragment that is a compiled regex is searched for instead.
CASES = [
    # --- sites, CSV --------------------------------------------------------------------
    ("csv_lat_not_a_number", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad,hospital,abc,9.5,,,,,,,\n",
     ["sites.csv:3:", "field 'lat'", "'abc' is not a number"]),
    ("csv_lat_95", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad,hospital,95,9.5,,,,,,,\n",
     ["sites.csv:3:", "field 'lat'", "95"]),
    ("csv_lat_minus_90_000001", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad,hospital,-90.000001,9.5,,,,,,,\n",
     ["sites.csv:3:", "field 'lat'"]),
    ("csv_lon_181", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad,hospital,45,181,,,,,,,\n",
     ["sites.csv:3:", "field 'lon'"]),
    ("csv_lat_nan", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad,hospital,nan,9.5,,,,,,,\n",
     ["sites.csv:3:", "field 'lat'"]),
    ("csv_lat_empty", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad,hospital,,9.5,,,,,,,\n",
     ["sites.csv:3:", "field 'lat'"]),
    ("csv_duplicate_id_in_file", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + GOOD_SITE,
     ["sites.csv:3:", "field 'id'", "duplicate", "t-new"]),
    ("csv_duplicate_id_in_db", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-hospital,Again,hospital,47,9.5,,,,,,,\n",
     ["sites.csv:3:", "field 'id'", "duplicate", "t-hospital"]),
    ("csv_unknown_category", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad,castle,47,9.5,,,,,,,\n",
     ["sites.csv:3:", "field 'category'", "castle"]),
    ("csv_unterminated_quote", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + 't-bad,"Bad name,hospital,47,9.5,,,,,,,\n',
     ["sites.csv:3:", re.compile(r"field (2\b|'name')"), "never ends"]),
    ("csv_text_after_closing_quote", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + 't-bad,"Bad"x,hospital,47,9.5,,,,,,,\n',
     ["sites.csv:3:", re.compile(r"field (2\b|'name')")]),
    ("csv_quote_in_raw_field", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + 't-bad,Ba"d,hospital,47,9.5,,,,,,,\n',
     ["sites.csv:3:", re.compile(r"field (2\b|'name')")]),
    ("csv_non_utf8_name", "sites", "sites.csv",
     (SITE_HDR + GOOD_SITE).encode() + b"t-bad,Caf\xe9,hospital,47,9.5,,,,,,,\n",
     ["sites.csv:3:", "field 'name'", "UTF-8"]),
    ("csv_overlong_utf8_region", "sites", "sites.csv",
     (SITE_HDR + GOOD_SITE).encode() + b"t-bad,Bad,hospital,47,9.5,,,,,\xc0\xaf,,\n",
     ["sites.csv:3:", "field 'region'", "UTF-8"]),
    ("csv_control_char_in_name", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad\x01,hospital,47,9.5,,,,,,,\n",
     ["sites.csv:3:", "field 'name'", "control character"]),
    ("csv_empty_file", "sites", "sites.csv", "", ["sites.csv", "empty"]),
    ("csv_blank_lines_only", "sites", "sites.csv", "\n\r\n\n", ["sites.csv", "empty"]),
    ("csv_unknown_column", "sites", "sites.csv",
     "id,name,category,lat,lon,colour\nt-new,New,hospital,47,9.5,red\n",
     ["sites.csv:1:", "field 'colour'", "unknown column"]),
    ("csv_missing_required_column", "sites", "sites.csv",
     "id,name,category,lat\nt-new,New,hospital,47\n",
     ["sites.csv:1:", "field 'lon'", "missing"]),
    ("csv_duplicate_column", "sites", "sites.csv",
     "id,name,category,lat,lon,lat\nt-new,New,hospital,47,9.5,47\n",
     ["sites.csv:1:", "field 'lat'", "twice"]),
    ("csv_too_many_fields", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad,hospital,47,9.5,,,,,,,,extra\n",
     ["sites.csv:3:", "fields"]),
    ("csv_too_few_fields", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad,hospital,47\n",
     ["sites.csv:3:", "fields"]),
    ("csv_unknown_operator", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad,hospital,47,9.5,,nobody,,,,,\n",
     ["sites.csv:3:", "field 'operator'", "nobody"]),
    ("csv_bad_tag", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad,hospital,47,9.5,,,,,,not a tag!,\n",
     ["sites.csv:3:", "field 'tags'", "machine tag"]),
    ("csv_bad_tag_value_quote", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + 't-bad,Bad,hospital,47,9.5,,,,,,"a:b=""x""y""",\n',
     ["sites.csv:3:", "field 'tags'"]),
    ("csv_negative_capacity", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad,hospital,47,9.5,-5,,,,,,\n",
     ["sites.csv:3:", "field 'capacity'"]),
    ("csv_fractional_capacity", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad,hospital,47,9.5,12.5,,,,,,\n",
     ["sites.csv:3:", "field 'capacity'"]),
    ("csv_unknown_supplied_service", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "t-bad,Bad,energy,47,9.5,,,power;plasma,,,,\n",
     ["sites.csv:3:", "field 'supplies'", "plasma"]),
    ("csv_footprint_ring_not_closed", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + 't-bad,Bad,hospital,,,,,,,,,"%s"\n' % OPEN_RING.replace('"', '""'),
     ["sites.csv:3:", "field 'footprint'", "closed"]),
    ("csv_id_too_long", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "%s,Bad,hospital,47,9.5,,,,,,,\n" % ("x" * 129),
     ["sites.csv:3:", "field 'id'"]),
    ("csv_id_with_semicolon", "sites", "sites.csv",
     SITE_HDR + GOOD_SITE + "a;b,Bad,hospital,47,9.5,,,,,,,\n",
     ["sites.csv:3:", "field 'id'"]),
    # --- sites, GeoJSON ----------------------------------------------------------------
    ("geojson_ring_not_closed", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-bad","name":"Bad","category":"hospital"}',
                                      OPEN_RING)),
     ["sites.geojson:3:", "feature 1", "field 'geometry'", "closed"]),
    ("geojson_ring_too_short", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature(
         '{"id":"t-bad","name":"Bad","category":"hospital"}',
         '{"type":"Polygon","coordinates":[[[9.5,47.1],[9.6,47.1],[9.5,47.1]]]}')),
     ["sites.geojson:3:", "feature 1", "field 'geometry'"]),
    ("geojson_polygon_lat_95", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature(
         '{"id":"t-bad","name":"Bad","category":"hospital"}',
         '{"type":"Polygon","coordinates":[[[9.5,47.1],[9.6,95],[9.6,47.2],[9.5,47.1]]]}')),
     ["sites.geojson:3:", "feature 1", "field 'geometry'"]),
    ("geojson_linestring_site", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-bad","name":"Bad","category":"hospital"}',
                                      '{"type":"LineString","coordinates":[[9.5,47.1],[9.6,47.1]]}')),
     ["sites.geojson:3:", "feature 1", "field 'geometry'", "LineString"]),
    ("geojson_null_geometry_site", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-bad","name":"Bad","category":"hospital"}', "null")),
     ["sites.geojson:3:", "feature 1", "field 'geometry'"]),
    ("geojson_point_bad_coordinates", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-bad","name":"Bad","category":"hospital"}',
                                      '{"type":"Point","coordinates":["9.5",47.1]}')),
     ["sites.geojson:3:", "feature 1", "field 'geometry'"]),
    ("geojson_point_lat_95", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-bad","name":"Bad","category":"hospital"}',
                                      '{"type":"Point","coordinates":[9.5,95]}')),
     ["sites.geojson:3:", "feature 1", "field 'lat'", "95"]),
    ("geojson_duplicate_id_in_file", "sites", "sites.geojson",
     collection(GOOD_FEATURE, GOOD_FEATURE),
     ["sites.geojson:3:", "feature 1", "field 'id'", "duplicate"]),
    ("geojson_duplicate_id_in_db", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-power","name":"Bad","category":"hospital"}')),
     ["sites.geojson:3:", "feature 1", "field 'id'", "duplicate", "t-power"]),
    ("geojson_unknown_category", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-bad","name":"Bad","category":"castle"}')),
     ["sites.geojson:3:", "feature 1", "field 'category'", "castle"]),
    ("geojson_truncated_in_feature", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-bad","name":"Bad","category":"hospital"}'))[:-60],
     ["sites.geojson:", "feature 1", "truncated"]),
    ("geojson_truncated_after_feature", "sites", "sites.geojson",
     collection(GOOD_FEATURE, GOOD_FEATURE.replace("t-new", "t-new2")).rstrip("]}\n"),
     ["sites.geojson:", "truncated"]),
    ("geojson_non_utf8", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-bad","name":"CafX","category":"hospital"}'))
     .encode().replace(b"CafX", b"Caf\xe9"),
     ["sites.geojson:3:", "feature 1"]),
    ("geojson_empty_file", "sites", "sites.geojson", "", ["sites.geojson", "empty"]),
    ("geojson_not_a_collection", "sites", "sites.geojson", '{"type":"Feature"}\n',
     ["sites.geojson"]),
    ("geojson_unknown_property", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-bad","name":"Bad","category":"hospital",'
                                      '"colour":"red"}')),
     ["sites.geojson:3:", "feature 1", "field 'colour'"]),
    ("geojson_missing_required_property", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-bad","category":"hospital"}')),
     ["sites.geojson:3:", "feature 1", "field 'name'"]),
    ("geojson_tags_not_array", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-bad","name":"Bad","category":"hospital",'
                                      '"tags":"tlp:green"}')),
     ["sites.geojson:3:", "feature 1", "field 'tags'"]),
    ("geojson_bad_tag", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-bad","name":"Bad","category":"hospital",'
                                      '"tags":["tlp:green","no good"]}')),
     ["sites.geojson:3:", "feature 1", "field 'tags'", "machine tag"]),
    ("geojson_capacity_string", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-bad","name":"Bad","category":"hospital",'
                                      '"capacity":"many"}')),
     ["sites.geojson:3:", "feature 1", "field 'capacity'"]),
    ("geojson_unknown_operator", "sites", "sites.geojson",
     collection(GOOD_FEATURE, feature('{"id":"t-bad","name":"Bad","category":"hospital",'
                                      '"operator":"nobody"}')),
     ["sites.geojson:3:", "feature 1", "field 'operator'", "nobody"]),
    # --- dependencies --------------------------------------------------------------------
    ("deps_unknown_site", "deps", "deps.csv",
     "site,supplier,service\nt-stadium,t-water,water\nt-nowhere,t-power,power\n",
     ["deps.csv:3:", "field 'site'", "t-nowhere"]),
    ("deps_unknown_supplier", "deps", "deps.csv",
     "site,supplier,service\nt-stadium,t-water,water\nt-stadium,t-nowhere,power\n",
     ["deps.csv:3:", "field 'supplier'", "t-nowhere"]),
    ("deps_self_loop", "deps", "deps.csv",
     "site,supplier,service\nt-stadium,t-water,water\nt-power,t-power,power\n",
     ["deps.csv:3:", "field 'supplier'", "self-loop"]),
    ("deps_negative_buffer_hours", "deps", "deps.csv",
     "site,supplier,service,buffer_hours\nt-stadium,t-water,water,1\nt-water,t-power,power,-1\n",
     ["deps.csv:3:", "field 'buffer_hours'"]),
    ("deps_unknown_service", "deps", "deps.csv",
     "site,supplier,service\nt-stadium,t-water,water\nt-water,t-power,plasma\n",
     ["deps.csv:3:", "field 'service'", "plasma"]),
    ("deps_unknown_kind", "deps", "deps.csv",
     "site,supplier,service,kind\nt-stadium,t-water,water,supply\nt-water,t-power,power,pipe\n",
     ["deps.csv:3:", "field 'kind'"]),
    ("deps_directed_supply", "deps", "deps.csv",
     "site,supplier,service,kind,directed\nt-stadium,t-water,water,,\n"
     "t-water,t-power,power,supply,true\n",
     ["deps.csv:3:", "field 'directed'"]),
    ("deps_bad_bool", "deps", "deps.csv",
     "site,supplier,service,kind,directed\nt-stadium,t-water,water,,\n"
     "t-water,t-power,power,link,yes\n",
     ["deps.csv:3:", "field 'directed'"]),
    ("deps_duplicate_in_db", "deps", "deps.csv",
     "site,supplier,service\nt-stadium,t-water,water\nt-hospital,t-power,power\n",
     ["deps.csv:3:", "field 'supplier'", "duplicate"]),
    ("deps_missing_column", "deps", "deps.csv",
     "site,supplier\nt-stadium,t-water\n", ["deps.csv:1:", "field 'service'"]),
    ("deps_geojson_self_loop", "deps", "deps.geojson",
     collection('{"type":"Feature","geometry":null,"properties":{"site":"t-stadium",'
                '"supplier":"t-water","service":"water"}}',
                '{"type":"Feature","geometry":null,"properties":{"site":"t-power",'
                '"supplier":"t-power","service":"power"}}'),
     ["deps.geojson:3:", "feature 1", "field 'supplier'", "self-loop"]),
    ("deps_geojson_negative_buffer", "deps", "deps.geojson",
     collection('{"type":"Feature","geometry":null,"properties":{"site":"t-stadium",'
                '"supplier":"t-water","service":"water"}}',
                '{"type":"Feature","geometry":null,"properties":{"site":"t-water",'
                '"supplier":"t-power","service":"power","buffer_hours":-0.5}}'),
     ["deps.geojson:3:", "feature 1", "field 'buffer_hours'"]),
    # --- organisations -------------------------------------------------------------------
    ("orgs_unknown_type", "orgs", "orgs.csv",
     "id,name,type\nt-new,New,operator\nt-bad,Bad,wizard\n",
     ["orgs.csv:3:", "field 'type'", "wizard"]),
    ("orgs_duplicate_in_db", "orgs", "orgs.csv",
     "id,name,type\nt-new,New,operator\nt-op,Again,operator\n",
     ["orgs.csv:3:", "field 'id'", "duplicate"]),
    ("orgs_bad_email", "orgs", "orgs.csv",
     "id,name,type,contact_email\nt-new,New,operator,a@b.example\nt-bad,Bad,operator,nobody\n",
     ["orgs.csv:3:", "field 'contact_email'"]),
    ("orgs_unknown_sector", "orgs", "orgs.csv",
     "id,name,type,sectors\nt-new,New,operator,health\nt-bad,Bad,operator,health;alchemy\n",
     ["orgs.csv:3:", "field 'sectors'", "alchemy"]),
    # --- roles ---------------------------------------------------------------------------
    ("roles_unknown_org", "roles", "roles.csv",
     "org,site,phase\nt-op,t-water,recover\nt-nobody,t-water,protect\n",
     ["roles.csv:3:", "field 'org'", "t-nobody"]),
    ("roles_unknown_site", "roles", "roles.csv",
     "org,site,phase\nt-op,t-water,recover\nt-op,t-nowhere,protect\n",
     ["roles.csv:3:", "field 'site'", "t-nowhere"]),
    ("roles_unknown_phase", "roles", "roles.csv",
     "org,site,phase\nt-op,t-water,recover\nt-op,t-water,dance\n",
     ["roles.csv:3:", "field 'phase'", "dance"]),
    ("roles_duplicate_in_db", "roles", "roles.csv",
     "org,site,phase\nt-op,t-water,recover\nt-op,t-hospital,protect\n",
     ["roles.csv:3:", "field 'phase'", "duplicate"]),
] + pretty_cases()


class ImportErrors(CliTestCase):
    """One generated test per entry of CASES (see the bottom of this file)."""

    template = None
    template_snap = None

    @classmethod
    def setUpClass(cls):
        cls.tmpl_dir = tempfile.mkdtemp(prefix="bwcli-tmpl-")
        cls.template = os.path.join(cls.tmpl_dir, "base.db")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmpl_dir, ignore_errors=True)

    def base_db(self):
        """A copy of the base register (built once per class) at self.db."""
        cls = type(self)
        if cls.template_snap is None:
            self.load_fixture(os.path.join(bwcli.DATA, "base"), db=self.template)
            cls.template_snap = self.snapshot(db=self.template)
        shutil.copyfile(self.template, self.db)

    def check_rejected(self, entity, path, fragments, extra=()):
        """Imports @path into a fresh copy of the base register and checks the failure:
        exit 1, the message, and the database unchanged (SQL dump of every table, and the
        CLI export of the entity imported; all four in test_every_export_unchanged)."""
        before = self.template_snap
        r = self.bw("import", entity, path, *extra)
        self.assertEqual(r.rc, 1, r)
        self.assertNotIn("imported ", r.out, r)
        first = r.err.splitlines()[0] if r.err else ""
        self.assertTrue(first.startswith("bulwark: "), r)
        for frag in fragments:
            if isinstance(frag, re.Pattern):
                self.assertRegex(first, frag, r)
            else:
                self.assertIn(frag, first, r)
        self.assertIn("nothing was imported", r.err, r)
        after = self.snapshot(entities=[entity] if entity in bwcli.ENTITIES else [])
        self.assertEqual(before["sql"], after["sql"], os.path.basename(path))
        for k in after:
            self.assertEqual(before[k], after[k], "%s changed" % (k,))
        return r

    def run_case(self, entity, name, content, fragments):
        self.base_db()
        self.check_rejected(entity, self.write(name, content), fragments)

    # ---- cases that are not a table row -------------------------------------------------

    def test_base_fixture_imports(self):
        """The base register imports cleanly (the other cases start from it)."""
        self.base_db()
        self.assertEqual(self.counts(), {"sites": 4, "organisations": 2, "dependencies": 3,
                                         "roles": 3})

    def test_good_rows_of_cases_import(self):
        """The good records the cases put before the bad one are themselves accepted."""
        self.base_db()
        self.ok("import", "sites", self.write("sites.csv", SITE_HDR + GOOD_SITE))
        self.ok("import", "sites", self.write("s.geojson", collection(
            GOOD_FEATURE.replace("t-new", "t-new-g"))))
        self.ok("import", "deps", self.write("deps.csv",
                                             "site,supplier,service\nt-stadium,t-water,water\n"))
        self.ok("import", "roles", self.write("roles.csv", "org,site,phase\nt-op,t-water,recover\n"))
        self.assertEqual(self.counts()["sites"], 6)

    def test_every_export_unchanged(self):
        """One case checked against all four exports in both formats."""
        self.base_db()
        before = self.snapshot(formats=("csv", "geojson"))
        for entity, body in (("sites", SITE_HDR + GOOD_SITE + "t-bad,Bad,hospital,95,9.5,,,,,,,\n"),
                             ("orgs", "id,name,type\nt-new,New,operator\nt-bad,Bad,wizard\n")):
            r = self.bw("import", entity, self.write(entity + ".csv", body))
            self.assertEqual(r.rc, 1, r)
        self.assertSnapshotEqual(before, self.snapshot(formats=("csv", "geojson")))

    def test_import_into_uninitialised_db(self):
        r = self.bw("import", "sites", self.write("sites.csv", SITE_HDR + GOOD_SITE))
        self.assertEqual(r.rc, 1, r)
        self.assertIn("init", r.err)

    def test_missing_file(self):
        self.base_db()
        self.check_rejected("sites", self.path("no-such-file.csv"), ["no-such-file.csv"])

    def test_directory_is_not_a_file(self):
        self.base_db()
        self.check_rejected("sites", self.dir, [os.path.basename(self.dir)])

    def test_upsert_still_validates(self):
        """--upsert replaces existing ids but a bad row still aborts the whole file."""
        self.base_db()
        before = self.snapshot()
        p = self.write("sites.csv", SITE_HDR +
                       "t-hospital,Renamed,hospital,47.1,9.5,600,t-op,,,north,,\n"
                       "t-bad,Bad,hospital,95,9.5,,,,,,,\n")
        r = self.bw("import", "sites", p, "--upsert")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("sites.csv:3:", r.err)
        self.assertIn("field 'lat'", r.err)
        self.assertSnapshotEqual(before, self.snapshot())

    def test_failure_late_in_large_file(self):
        """20000 good rows then a bad one: nothing of the 20000 is kept."""
        self.base_db()
        before = self.snapshot()
        rows = ["t-%05d,Site %d,tourist-site,%.6f,%.6f,,,,,,,\n" % (i, i, 47 + i * 1e-5, 9.5)
                for i in range(20000)]
        p = self.write("sites.csv", SITE_HDR + "".join(rows) + "t-bad,Bad,tourist-site,47,x,,,,,,,\n")
        r = self.bw("import", "sites", p)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("sites.csv:20002:", r.err)
        self.assertIn("field 'lon'", r.err)
        self.assertSnapshotEqual(before, self.snapshot())

    # ---- 100 MB lines: must fail fast with bounded memory --------------------------------

    def run_measured(self, args, limit_s=30):
        """Runs bulwark; returns (exit code, stderr, seconds, max RSS in MiB)."""
        out = open(self.path("out.txt"), "wb")
        err = open(self.path("err.txt"), "wb")
        t0 = time.monotonic()
        p = subprocess.Popen([bwcli.BIN] + args, stdout=out, stderr=err, cwd=self.dir)
        deadline = t0 + limit_s
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                p.returncode = -9
                self.fail("bulwark %s took more than %d s" % (" ".join(args), limit_s))
            time.sleep(0.01)
        elapsed = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.close()
        err.close()
        with open(self.path("err.txt"), "rb") as f:
            text = f.read().decode("utf-8", "replace")
        return p.returncode, text, elapsed, ru.ru_maxrss / 1024.0

    def write_huge(self, name, head, fill, tail, size=100 << 20):
        p = self.path(name)
        chunk = (fill * ((1 << 20) // len(fill) + 1))[:1 << 20]
        with open(p, "wb") as f:
            f.write(head)
            for _ in range(size >> 20):
                f.write(chunk)
            f.write(tail)
        return p

    def check_huge(self, entity, path, fragments):
        before = self.snapshot()
        rc, err, secs, rss = self.run_measured(["import", entity, path, "--db", self.db])
        self.assertEqual(rc, 1, err)
        first = err.splitlines()[0] if err else ""
        for frag in fragments:
            if isinstance(frag, re.Pattern):
                self.assertRegex(first, frag)
            else:
                self.assertIn(frag, first)
        self.assertLess(secs, 10.0, "took %.1f s" % secs)
        self.assertLess(rss, 400.0, "used %.0f MiB" % rss)
        self.assertSnapshotEqual(before, self.snapshot())
        os.unlink(path)

    def test_100mb_raw_field(self):
        self.base_db()
        p = self.write_huge("sites.csv", (SITE_HDR + GOOD_SITE).encode() + b"t-big,", b"x",
                            b",hospital,47,9.5,,,,,,,\n")
        self.check_huge("sites", p, ["sites.csv:3:", re.compile(r"field (2\b|'name')"),
                                     "longer than"])

    def test_100mb_quoted_field(self):
        self.base_db()
        p = self.write_huge("sites.csv", (SITE_HDR + GOOD_SITE).encode() + b't-big,"', b"x,\n",
                            b'",hospital,47,9.5,,,,,,,\n')
        self.check_huge("sites", p, ["sites.csv:3:", re.compile(r"field (2\b|'name')"),
                                     "longer than"])

    def test_100mb_header_line(self):
        self.base_db()
        p = self.write_huge("sites.csv", b"id,name,", b"c", b"\n" + GOOD_SITE.encode())
        self.check_huge("sites", p, ["sites.csv:1:", "longer than"])

    def test_100mb_line_of_commas(self):
        self.base_db()
        p = self.write_huge("sites.csv", (SITE_HDR + GOOD_SITE).encode(), b",", b"\n")
        self.check_huge("sites", p, ["sites.csv:3:"])

    def test_100mb_geojson_feature(self):
        self.base_db()
        head = ('{"type":"FeatureCollection","features":[\n' + GOOD_FEATURE + ",\n" +
                '{"type":"Feature","geometry":{"type":"Point","coordinates":[9.5,47.1]},'
                '"properties":{"id":"t-big","category":"hospital","name":"').encode()
        p = self.write_huge("sites.geojson", head, b"x", b'"}}\n]}\n')
        self.check_huge("sites", p, ["sites.geojson:3:", "feature 1", "larger than"])


def _make(entity, fname, content, fragments):
    def test(self):
        self.run_case(entity, fname, content, fragments)
    return test


for _name, _entity, _fname, _content, _frags in CASES:
    assert not hasattr(ImportErrors, "test_" + _name), _name
    setattr(ImportErrors, "test_" + _name, _make(_entity, _fname, _content, _frags))


if __name__ == "__main__":
    bwcli.main()
