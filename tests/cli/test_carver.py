"""`bulwark carver`: the worked example of methodology.md §1.3 ranked from a workshop
sheet, with and without Shock, and bad sheets refused with their line and column.

The example (Army SOF field guide via Circadian Risk, "disrupting bulk electric power
supply"): C-A-R-V-E-R fuel tanks 8-9-3-8-5-6, fuel pumps 8-6-2-10-5-3, boilers
6-2-10-4-5-4, turbines 8-6-10-7-5-9, generators 4-6-10-7-5-9. The published totals are
41, 34, 31, 45, 41; the fuel-tank scores add up to 39, so the ranking by the sums is
turbines 45, generators 41, fuel tanks 39, fuel pumps 34, boilers 31.
"""

import bwcli
from bwcli import CliTestCase

SHEET = ("target,C,A,R,V,E,R2\r\n"
         "fuel tanks,8,9,3,8,5,6\r\n"
         "fuel pumps,8,6,2,10,5,3\r\n"
         "boilers,6,2,10,4,5,4\r\n"
         "turbines,8,6,10,7,5,9\r\n"
         "generators,4,6,10,7,5,9\r\n")


class CarverTest(CliTestCase):
    def test_worked_example(self):
        rows = self.ok("carver", self.write("sheet.csv", SHEET), "--json").json()
        self.assertEqual([(r["rank"], r["target"], r["total"]) for r in rows],
                         [(1, "turbines", 45), (2, "generators", 41), (3, "fuel tanks", 39),
                          (4, "fuel pumps", 34), (5, "boilers", 31)])
        self.assertEqual(rows[0]["scores"], {"criticality": 8, "accessibility": 6,
                                             "recuperability": 10, "vulnerability": 7,
                                             "effect": 5, "recognizability": 9})
        out = self.ok("carver", self.path("sheet.csv")).out
        self.assertIn("CARVER ranking of 5 targets", out)
        self.assertLess(out.index("turbines"), out.index("boilers"))

    def test_shock_and_ties(self):
        sheet = ("target,C,A,R,V,E,R2,Shock\n"
                 "\"dam, upper\",9,2,8,6,7,9,10\n"
                 "stadium,5,5,5,5,5,5,10\n"
                 "arena,5,5,5,5,5,5,10\n")
        rows = self.ok("carver", self.write("s.csv", sheet), "--json").json()
        self.assertEqual([(r["target"], r["total"]) for r in rows],
                         [("dam, upper", 51), ("stadium", 40), ("arena", 40)])
        self.assertEqual(rows[1]["scores"]["shock"], 10)

    def test_bad_sheets(self):
        for name, text, words in (
                ("range.csv", "target,C,A,R,V,E,R2\ndam,5,5,5,11,5,5\n",
                 "range.csv:2: field 'vulnerability': target 'dam': vulnerability score 11 "
                 "is outside 1..10"),
                ("nan.csv", "target,C,A,R,V,E,R2\ndam,5,5,x,5,5,5\n", "nan.csv:2: field 'R'"),
                ("short.csv", "target,C,A,R,V,E,R2\ndam,5,5,5,5,5\n",
                 "6 columns, the header has 7"),
                ("header.csv", "name,C,A,R,V,E,R2\n", "header.csv:1:"),
                ("empty.csv", "", "empty sheet")):
            with self.subTest(sheet=name):
                r = self.bw("carver", self.write(name, text))
                self.assertEqual(r.rc, 1, r)
                self.assertIn(words, r.err)
        r = self.bw("carver")
        self.assertEqual(r.rc, 2, r)
        r = self.bw("carver", self.path("missing.csv"))
        self.assertEqual(r.rc, 1, r)
        self.assertIn("missing.csv", r.err)


if __name__ == "__main__":
    bwcli.main()
