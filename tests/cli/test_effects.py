"""`bulwark effects`: blast, radii, standoff, crowd, ramming, firearms, uas.

Expected numbers are the published ones of methodology.md §2.1-2.7 or worked by hand in
the comments: Hopkinson-Cranz scaling puts 1,000 kg at 10·Z metres on the 1 kg curve at
Z (W^(1/3) = 10), so the §2.3 test vectors apply directly (Z = 5 -> 43.2 kPa, Z = 10 ->
14.9 kPa). The full grid against an independent implementation is in
tests/conformance/test_blast_oracle.py.
"""

import bwcli
from bwcli import CliTestCase, run

OUTPUTS = {"p_inc_kpa", "p_ref_kpa", "i_inc_kpa_ms", "i_ref_kpa_ms", "t_arrival_ms",
           "t_positive_ms", "u_shock_m_s"}


class EffectsTest(CliTestCase):
    def fx(self, *args):
        """Runs `bulwark effects ARGS` with no database (the bundled pack)."""
        return run(["effects"] + list(args), cwd=self.dir)

    def fx_json(self, *args):
        r = self.fx(*args, "--json")
        self.assertEqual(r.rc, 0, r)
        return r.json()

    def fails(self, rc, option, *args):
        r = self.fx(*args)
        self.assertEqual(r.rc, rc, r)
        self.assertEqual(r.out, "", r)
        if option:
            self.assertIn(option, r.err, r)
        return r

    # ---- blast ------------------------------------------------------------------------

    def test_blast_published_vector_and_shape(self):
        j = self.fx_json("blast", "--tnt-kg", "10000", "--range-m", "500")
        self.assertAlmostEqual(j["outputs"]["p_inc_kpa"], 5.0550, delta=0.005)
        self.assertEqual(set(j["outputs"]), OUTPUTS)
        self.assertEqual(set(j["fit_z_range"]), OUTPUTS)
        self.assertEqual(j["fit_z_range"]["p_inc_kpa"], [0.2, 198.5])
        self.assertAlmostEqual(j["z"], 500 / 10000 ** (1 / 3), places=9)
        self.assertEqual(j["tnt_kg"], 10000)
        self.assertEqual(j["range_m"], 500)
        self.assertEqual(j["pack"]["id"], "default")
        for v in j["outputs"].values():
            self.assertGreater(v, 0)

    def test_blast_levels(self):
        # 1,000 kg at 100 m: Z = 10 -> 14.9 kPa: no injury threshold (the lowest is
        # 34.5 kPa); Clancey 13.8 (partial collapse) reached, 15.8 not.
        j = self.fx_json("blast", "--tnt-kg", "1000", "--range-m", "100")
        self.assertAlmostEqual(j["outputs"]["p_inc_kpa"], 14.9, delta=0.05)
        self.assertIsNone(j["injury"])
        self.assertEqual(j["damage"]["id"], "partial-collapse")
        self.assertIn("Clancey", j["damage"]["source"])
        # 1,000 kg at 50 m: Z = 5 -> 43.2 kPa: eardrum (34.5 kPa) and the Clancey band
        # 34.5-48.2 kPa, nearly complete destruction of houses.
        j = self.fx_json("blast", "--tnt-kg", "1000", "--range-m", "50")
        self.assertAlmostEqual(j["outputs"]["p_inc_kpa"], 43.2, delta=0.05)
        self.assertTrue(j["injury"]["id"].startswith("eardrum"))
        self.assertEqual(j["injury"]["kpa"], 34.5)
        self.assertEqual(j["damage"]["id"], "houses-destroyed")

    def test_blast_text(self):
        r = self.fx("blast", "--tnt-kg", "1000", "--range-m", "100")
        self.assertEqual(r.rc, 0, r)
        for label in ("incident overpressure", "reflected overpressure", "incident impulse",
                      "reflected impulse", "arrival time", "positive-phase duration",
                      "shock-front velocity", "damage:", "injury:"):
            self.assertIn(label, r.out)
        self.assertIn("Z = 10 m/kg^(1/3)", r.out)

    def test_blast_partly_out_of_range(self):
        # Z = 100: incident fits (0.65 kPa), the reflected pressure (Z <= 40) does not.
        j = self.fx_json("blast", "--tnt-kg", "1", "--range-m", "100")
        self.assertAlmostEqual(j["outputs"]["p_inc_kpa"], 0.65, delta=0.005)
        self.assertIsNone(j["outputs"]["p_ref_kpa"])
        self.assertIsNone(j["outputs"]["t_arrival_ms"])
        self.assertIsNotNone(j["outputs"]["i_inc_kpa_ms"])
        r = self.fx("blast", "--tnt-kg", "1", "--range-m", "100")
        self.assertIn("out of range", r.out)

    def test_blast_out_of_range(self):
        # 1 kg at 500 m is Z = 500 > 198.5; 1,000 kg at 1 m is Z = 0.1 < 0.2.
        r = self.fails(1, "--range-m", "blast", "--tnt-kg", "1", "--range-m", "500")
        self.assertIn("not extrapolated", r.err)
        self.fails(1, "--range-m", "blast", "--tnt-kg", "1000", "--range-m", "1", "--json")

    def test_blast_bad_input(self):
        for bad in ("-5", "0", "abc", "nan", "inf", "1e999"):
            with self.subTest(bad=bad):
                self.fails(1, "--tnt-kg", "blast", "--tnt-kg", bad, "--range-m", "10")
                self.fails(1, "--range-m", "blast", "--tnt-kg", "10", "--range-m", bad)

    def test_blast_usage(self):
        self.fails(2, "--tnt-kg", "blast", "--range-m", "10")
        self.fails(2, "exactly one", "blast", "--tnt-kg", "10")
        self.fails(2, "exactly one", "blast", "--tnt-kg", "10", "--range-m", "5",
                   "--overpressure-kpa", "3")
        self.fails(2, "unknown option", "blast", "--tnt-kg", "10", "--range-m", "5", "--x")
        self.fails(2, None, "blast", "--tnt-kg", "10", "--range-m", "5", "extra")
        self.fails(2, "sub-command", "explode")
        self.fails(2, "sub-command")

    def test_blast_inverse(self):
        # 1,000 kg: 14.9 kPa at Z = 10, i.e. about 100 m; 43.2 kPa at about 50 m.
        j = self.fx_json("blast", "--tnt-kg", "1000", "--overpressure-kpa", "14.9")
        self.assertAlmostEqual(j["range_m"], 100, delta=0.5)
        self.assertAlmostEqual(j["z"], j["range_m"] / 10, places=9)
        j = self.fx_json("blast", "--tnt-kg", "1000", "--overpressure-kpa", "43.2")
        self.assertAlmostEqual(j["range_m"], 50, delta=0.1)
        # And back: the forward blast at that distance gives the threshold.
        j = self.fx_json("blast", "--tnt-kg", "227", "--overpressure-kpa", "34.5")
        f = self.fx_json("blast", "--tnt-kg", "227", "--range-m", repr(j["range_m"]))
        self.assertAlmostEqual(f["outputs"]["p_inc_kpa"], 34.5, places=6)
        # 0.1 kPa is below the fit's lowest pressure (0.249 kPa at Z = 198.5).
        self.fails(1, "--overpressure-kpa", "blast", "--tnt-kg", "1000", "--overpressure-kpa",
                   "0.1")
        self.fails(1, "--overpressure-kpa", "blast", "--tnt-kg", "1000", "--overpressure-kpa",
                   "-3")

    def test_radii(self):
        j = self.fx_json("radii", "--tnt-kg", "1000")
        inj = {e["id"]: e for e in j["injury"]}
        dam = {e["id"]: e for e in j["damage"]}
        # Eardrum 34.5 kPa lies between Z = 5 (43.2) and Z = 10 (14.9): 50-100 m.
        self.assertTrue(50 < inj["eardrum-threshold"]["range_m"] < 100)
        self.assertGreater(inj["eardrum-threshold"]["range_m"], inj["ld50"]["range_m"])
        self.assertIn("REMM", inj["ld50"]["source"])
        # The 1 % fatality band 35-45 psi: two radii, the far one for the lower pressure.
        self.assertGreater(inj["fatal-1"]["range_m"], inj["fatal-1"]["range_m_high"])
        # 0.14 kPa is below the fit's range: no radius.
        self.assertIsNone(dam["annoying-noise"]["range_m"])
        self.assertIsNotNone(dam["glass-breakage"]["range_m"])
        self.assertEqual(len(dam), 14)
        r = self.fx("radii", "--tnt-kg", "1000")
        self.assertIn("beyond the fit", r.out)
        self.fails(1, "--tnt-kg", "radii", "--tnt-kg", "-1")
        self.fails(2, "--tnt-kg", "radii")

    # ---- standoff ---------------------------------------------------------------------

    def test_standoff_2014(self):
        # methodology.md §2.2: sedan 227 kg, 98 m -> 8.0 kPa, 580 m -> 0.70 kPa.
        j = self.fx_json("standoff", "--threat", "sedan")
        self.assertEqual(j["chart"]["id"], "2014")
        self.assertEqual(j["chart"]["near"], "mandatory evacuation distance")
        row = j["row"]
        self.assertEqual((row["tnt_kg"], row["near_m"], row["far_m"]), (227, 98, 580))
        self.assertEqual((row["tnt_lb"], row["near_ft"], row["far_ft"]), (500, 320, 1900))
        self.assertIn("NCTC", row["source"])
        self.assertAlmostEqual(j["near"]["outputs"]["p_inc_kpa"], 8.0, delta=0.05)
        self.assertAlmostEqual(j["near"]["z"], 16.1, delta=0.05)
        self.assertAlmostEqual(j["far"]["outputs"]["p_inc_kpa"], 0.70, delta=0.005)
        # By name, ignoring case.
        j2 = self.fx_json("standoff", "--threat", "SUV / van")
        self.assertEqual(j2["row"]["id"], "suv-van")

    def test_standoff_2006_and_fragments(self):
        j = self.fx_json("standoff", "--threat", "sedan", "--chart", "2006")
        self.assertEqual(j["chart"]["near"], "building evacuation distance")
        self.assertEqual((j["row"]["tnt_kg"], j["row"]["near_m"], j["row"]["far_m"]),
                         (454, 122, 533))
        # Pipe bomb, 2014: 366 m from 2.3 kg is Z = 277, beyond every fit: all null.
        j = self.fx_json("standoff", "--threat", "pipe-bomb")
        self.assertTrue(all(v is None for v in j["far"]["outputs"].values()))
        self.assertAlmostEqual(j["near"]["outputs"]["p_inc_kpa"], 8.1, delta=0.05)
        r = self.fx("standoff", "--threat", "pipe-bomb")
        self.assertIn("fragments", r.out)
        # The 2006 chart has no suicide-vest row; 2014 does.
        self.fails(1, "--threat", "standoff", "--threat", "suicide-vest", "--chart", "2006")
        self.assertEqual(self.fx("standoff", "--threat", "suicide-vest").rc, 0)

    def test_standoff_list_and_errors(self):
        for chart in ("2014", "2006"):
            j = self.fx_json("standoff", "--list", "--chart", chart)
            self.assertEqual(len(j["rows"]), 8)
            self.assertEqual(j["rows"][-1]["id"], "semi-trailer")
        self.fails(1, "--threat", "standoff", "--threat", "tank")
        self.fails(1, "--chart", "standoff", "--threat", "sedan", "--chart", "1999")
        self.fails(2, "--threat", "standoff")

    # ---- the other models -----------------------------------------------------------

    def test_crowd(self):
        j = self.fx_json("crowd", "--capacity", "60000", "--occupancy", "0.8", "--density",
                         "2.5", "--radius-m", "20", "--area-m2", "500")
        self.assertEqual(j["people_present"], 48000)
        self.assertEqual(j["fruin_los"], "F")  # 2.5 > 2.153 persons/m2 (5 ft2/person)
        self.assertEqual(j["critical_density"]["id"], "speed-reduced")
        self.assertEqual(j["people_within_radius"], 1250)  # 2.5 x 500 m2 (clipped)
        self.assertEqual(self.fx_json("crowd", "--density", "0.3")["fruin_los"], "A")
        self.fails(1, "--occupancy", "crowd", "--capacity", "100", "--occupancy", "1.5")
        self.fails(1, "--density", "crowd", "--density", "-1")
        self.fails(2, None, "crowd")

    def test_ramming(self):
        # M50/P1 barrier (6,800 kg, 80 km/h, 1 m) against a 7,200 kg truck at 50 km/h:
        # energy 694 kJ < 1,679 kJ, but heavier than the test vehicle -> not stopped; the
        # approach then exposes 2 x 50 x 4 = 400 people.
        j = self.fx_json("ramming", "--vehicle-kg", "7200", "--speed-kmh", "50",
                         "--barrier-kg", "6800", "--barrier-kmh", "80", "--penetration-m", "1",
                         "--standoff-m", "5", "--density", "2", "--approach-m", "50",
                         "--width-m", "4")
        self.assertAlmostEqual(j["threat_energy_j"], 694444.44, delta=0.01)
        self.assertTrue(j["barrier"]["energy_ok"])
        self.assertFalse(j["barrier"]["mass_ok"])
        self.assertFalse(j["stopped"])
        self.assertAlmostEqual(j["people_exposed"], 400)
        j = self.fx_json("ramming", "--vehicle-kg", "2300", "--speed-kmh", "100",
                         "--barrier-kg", "6800", "--barrier-kmh", "80", "--penetration-m", "1",
                         "--standoff-m", "5", "--density", "2", "--approach-m", "50")
        self.assertTrue(j["stopped"])
        self.assertEqual(j["people_exposed"], 0)
        self.fails(2, "--barrier-kg", "ramming", "--vehicle-kg", "2300", "--speed-kmh", "100",
                   "--barrier-kg", "6800")
        # A barrier verdict needs the stand-off its penetration is compared with.
        self.fails(2, "--standoff-m", "ramming", "--vehicle-kg", "2300", "--speed-kmh", "100",
                   "--barrier-kg", "6800", "--barrier-kmh", "80", "--penetration-m", "1")
        self.fails(1, "--vehicle-kg", "ramming", "--vehicle-kg", "-2300", "--speed-kmh", "100")

    def test_firearms(self):
        # 5 km x 1.2 at 60 km/h = 6 min, + 3 min dispatch = 9 min; 2/min -> 18 people.
        j = self.fx_json("firearms", "--distance-m", "5000", "--people", "300", "--rate", "2",
                         "--dispatch-min", "3", "--speed-kmh", "60", "--road-factor", "1.2")
        self.assertAlmostEqual(j["response_min"], 9)
        self.assertAlmostEqual(j["people_exposed"], 18)
        # Defaults come from the pack's assumptions.
        j = self.fx_json("firearms", "--distance-m", "0")
        self.assertGreater(j["speed_kmh"], 0)
        self.assertAlmostEqual(j["response_min"], j["dispatch_min"])
        self.fails(1, "--road-factor", "firearms", "--distance-m", "10", "--road-factor", "0.5")
        self.fails(2, "--distance-m", "firearms")

    def test_uas(self):
        # methodology.md §2.7: 8.7 km at 2,440 MHz, 3.7 km at 5,800 MHz, 23 km at 915 MHz.
        for f, km, tol in (("2440", 8.7, 0.05), ("5800", 3.7, 0.05), ("915", 23, 0.5)):
            j = self.fx_json("uas", "--freq-mhz", f)
            self.assertAlmostEqual(j["rf_detection_m"] / 1000, km, delta=tol)
        # Detected at 3 km, 500 m stand-off, 20 m/s: 125 s; launched 5 km out, 30 km range.
        j = self.fx_json("uas", "--detection-m", "3000", "--standoff-m", "500", "--speed-ms",
                         "20", "--launch-m", "5000", "--range-m", "30000")
        self.assertAlmostEqual(j["warning_s"], 125)
        self.assertTrue(j["reaches"])
        j = self.fx_json("uas", "--launch-m", "40000", "--range-m", "30000")
        self.assertFalse(j["reaches"])
        self.fails(1, "--freq-mhz", "uas", "--freq-mhz", "0")
        self.fails(2, "--speed-ms", "uas", "--standoff-m", "500")

    # ---- pack source, help ------------------------------------------------------------

    def test_database_pack(self):
        self.init()
        r = self.ok("effects", "standoff", "--threat", "sedan", "--json").json()
        bundled = self.fx_json("standoff", "--threat", "sedan")
        self.assertEqual(r["pack"], bundled["pack"])
        missing = self.path("missing.db")
        r = self.bw("effects", "blast", "--tnt-kg", "1", "--range-m", "5", db=missing)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("no such database", r.err)

    def test_help(self):
        for sub in ("blast", "radii", "standoff", "crowd", "ramming", "firearms", "uas"):
            r = self.fx(sub, "--help")
            self.assertEqual(r.rc, 0, r)
            self.assertTrue(r.out.startswith("usage: bulwark effects " + sub), r)
        r = self.fx("--help")
        self.assertEqual(r.rc, 0)
        self.assertIn("standoff", r.out)


if __name__ == "__main__":
    bwcli.main()
