#!/usr/bin/env python3
"""Reads meson-logs/testlog.json of each build directory given and prints the closing
line CI reads: 'N passed, N failed'. Exits 1 if any test failed or none ran."""
import json
import sys

passed = failed = skipped = 0
for build in sys.argv[1:]:
    try:
        with open(f"{build}/meson-logs/testlog.json", encoding="utf-8") as f:
            lines = f.readlines()
    except OSError:
        print(f"test-summary: no test log in {build}", file=sys.stderr)
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        r = t.get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
            print(f"FAILED: {build}: {t.get('name')} ({r})", file=sys.stderr)
tail = f", {skipped} skipped" if skipped else ""
print(f"{passed} passed, {failed} failed{tail}")
sys.exit(1 if failed or not passed else 0)
