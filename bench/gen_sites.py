#!/usr/bin/env python3
"""gen_sites.py — deterministic synthetic register for the import and query benchmarks.

Writes N sites in a country-sized box (lat 47–55, lon 6–15) twice, with the same data:

  OUT.geojson  a GeoJSON FeatureCollection, one Feature per line, Point geometry
               [lon, lat] and properties id, name, category, capacity (lat/lon are NOT
               repeated as properties: the importer takes the location from the geometry)
  OUT.csv      RFC 4180 CSV with header id,name,category,lat,lon,capacity

Categories come from the default pack (packs/default/taxonomy.json): soft-target
categories and CER subsectors, with weights roughly like a real register (many places
of worship, schools and substations; few airports or nuclear plants). 70 % of the sites
cluster around 400 towns (Gaussian, sigma ≈ 2–8 km), the rest are spread uniformly, so
the R*Tree sees both dense and sparse areas. Capacities (people present at once) are
drawn per category; categories without a meaningful capacity leave it empty (CSV) or
omit it (GeoJSON). A few names contain a comma or a double quote so the CSV exercises
quoting. Coordinates are written with 6 decimals (≈ 0.1 m) in both files.

The output depends only on N and the seed: the same arguments give the same bytes.

usage: gen_sites.py [-n N] [--seed S] [-o OUT_PREFIX]
       (default: -n 1000000 --seed 1 -o bench/out/sites)
"""
import argparse
import itertools
import json
import math
import os
import random
import sys

LAT_MIN, LAT_MAX = 47.0, 55.0
LON_MIN, LON_MAX = 6.0, 15.0

# category id, weight, id prefix, name words, capacity range (None = no capacity)
CATEGORIES = [
    ("religious-site", 18, "REL", ["Church", "Chapel", "Mosque", "Synagogue", "Cathedral",
                                  "Temple", "Monastery"], (20, 2500)),
    ("educational-institution", 14, "EDU", ["Primary School", "Gymnasium", "Comprehensive School",
                                           "Vocational College", "University Campus",
                                           "Kindergarten"], (30, 6000)),
    ("tourist-site", 6, "TOU", ["Castle", "Museum", "Viewpoint", "Old Town Square",
                               "Zoo", "Palace"], (50, 20000)),
    ("urban-centre", 3, "URB", ["Market Square", "Pedestrian Zone", "Shopping Street"],
     (500, 40000)),
    ("cultural-event", 4, "CUL", ["Open-Air Festival", "Christmas Market", "Concert Hall",
                                 "Theatre", "Opera House"], (100, 80000)),
    ("sport-event", 4, "SPO", ["Stadium", "Sports Arena", "Marathon Start", "Racecourse",
                              "Ice Rink"], (200, 80000)),
    ("transport-hub", 3, "HUB", ["Central Station", "Bus Terminal", "Ferry Terminal",
                                "Interchange"], (500, 60000)),
    ("rally-procession-convoy", 1, "RAL", ["Carnival Route", "Procession Route",
                                          "Rally Ground"], (500, 500000)),
    ("hospital", 5, "HOS", ["Hospital", "Clinic", "University Hospital", "Medical Centre"],
     (50, 5000)),
    ("mass-gathering", 2, "MAS", ["Fairground", "Exhibition Centre", "Festival Meadow"],
     (1000, 200000)),
    ("energy.electricity", 12, "ELE", ["Substation", "Power Plant", "Wind Farm", "Solar Park",
                                      "Control Centre"], None),
    ("energy.gas", 3, "GAS", ["Gas Compressor Station", "Gas Storage", "LNG Terminal"], None),
    ("energy.oil", 1, "OIL", ["Refinery", "Tank Farm", "Pipeline Pumping Station"], None),
    ("energy.district-heating", 2, "DHC", ["District Heating Plant", "Heat Storage"], None),
    ("transport.rail", 4, "RAI", ["Rail Yard", "Signal Box", "Rail Bridge"], None),
    ("transport.road", 3, "ROA", ["Motorway Tunnel", "Motorway Bridge", "Traffic Control Centre"],
     None),
    ("transport.air", 1, "AIR", ["Airport", "Airfield", "Air Traffic Control Centre"], (100, 60000)),
    ("transport.water", 1, "WAT", ["Port", "Lock", "Inland Port"], None),
    ("drinking-water", 5, "DWA", ["Waterworks", "Water Tower", "Reservoir", "Pumping Station"],
     None),
    ("waste-water", 3, "WWA", ["Sewage Treatment Plant", "Pumping Station"], None),
    ("digital-infrastructure", 2, "DIG", ["Data Centre", "Internet Exchange", "Cable Landing"],
     None),
    ("communications", 2, "COM", ["Radio Mast", "Telephone Exchange", "Broadcast Centre"], None),
    ("public-administration", 2, "ADM", ["Town Hall", "Ministry", "District Office"], (20, 3000)),
    ("banking", 1, "BNK", ["Bank Headquarters", "Clearing Centre"], (50, 4000)),
    ("food", 1, "FOO", ["Cold Store", "Distribution Centre", "Dairy"], None),
    ("chemical", 1, "CHE", ["Chemical Plant", "Chemical Storage"], None),
    ("nuclear", 0.05, "NUC", ["Nuclear Power Plant", "Interim Storage"], None),
    ("dams", 0.5, "DAM", ["Dam", "Weir"], None),
    ("emergency-services", 2, "EMS", ["Fire Station", "Ambulance Station", "Control Room"],
     (10, 300)),
]

PREFIXES = ["Ober", "Unter", "Nieder", "Alt", "Neu", "Groß", "Klein", "Bad ", "Sankt ", "Hohen",
            "", "", "", "", "", ""]
STEMS = ["berg", "burg", "dorf", "feld", "hausen", "heim", "ingen", "stadt", "tal", "wald",
         "hof", "bach", "brück", "kirchen", "rode", "au", "see", "furt", "hagen", "stein"]
ROOTS = ["Linden", "Eichen", "Buchen", "Birken", "Rosen", "Wolfs", "Falken", "Mühl", "Stein",
         "Wald", "Sonnen", "Kirch", "Brunn", "Hirsch", "Adler", "Weiden", "Erlen", "Fichten",
         "Tannen", "Ahorn", "Rot", "Weiß", "Schwarz", "Grün", "Blau", "Rabens", "Kranich",
         "Frei", "Königs", "Kaisers"]
SAINTS = ["St. Anna", "St. Maria", "St. Peter", "St. Paul", "St. Michael", "St. Georg",
          "St. Martin", "St. Nikolaus", "St. Elisabeth", "St. Johannes"]
QUARTERS = ["Nord", "Süd", "Ost", "West", "Mitte", "Altstadt", "Hafen", "Bahnhof"]


def town_name(rng):
    pre, root = rng.choice(PREFIXES), rng.choice(ROOTS)
    if pre and not pre.endswith(" "):
        root = root.lower()
    return pre + root + rng.choice(STEMS)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=1_000_000, help="number of sites (default 1000000)")
    ap.add_argument("--seed", type=int, default=1, help="PRNG seed (default 1)")
    ap.add_argument("-o", default="bench/out/sites",
                    help="output prefix: writes PREFIX.geojson and PREFIX.csv")
    a = ap.parse_args(argv)
    if a.n < 0:
        ap.error("-n must be >= 0")

    rng = random.Random(a.seed)
    towns = []
    for _ in range(400):
        # Larger towns are rarer; sigma in degrees of latitude (2–8 km).
        towns.append((rng.uniform(LAT_MIN + 0.3, LAT_MAX - 0.3),
                      rng.uniform(LON_MIN + 0.3, LON_MAX - 0.3),
                      rng.uniform(2.0, 8.0) / 111.0,
                      town_name(rng),
                      rng.paretovariate(1.2)))
    town_cw = list(itertools.accumulate(t[4] for t in towns))
    cat_cw = list(itertools.accumulate(c[1] for c in CATEGORIES))
    village_names = [town_name(rng) for _ in range(5000)]

    os.makedirs(os.path.dirname(os.path.abspath(a.o)), exist_ok=True)
    gj_path, csv_path = a.o + ".geojson", a.o + ".csv"
    with open(gj_path, "w", encoding="utf-8", newline="\n") as gj, \
            open(csv_path, "w", encoding="utf-8", newline="") as cv:
        gj.write('{"type":"FeatureCollection","features":[\n')
        cv.write("id,name,category,lat,lon,capacity\r\n")
        gj_lines, csv_lines = [], []
        for i in range(a.n):
            cat, _, prefix, words, caprange = rng.choices(CATEGORIES, cum_weights=cat_cw)[0]
            if rng.random() < 0.7:
                tlat, tlon, sigma, place, _ = rng.choices(towns, cum_weights=town_cw)[0]
                lat = rng.gauss(tlat, sigma)
                lon = rng.gauss(tlon, sigma / math.cos(math.radians(tlat)))
                lat = min(max(lat, LAT_MIN), LAT_MAX)
                lon = min(max(lon, LON_MIN), LON_MAX)
            else:
                lat = rng.uniform(LAT_MIN, LAT_MAX)
                lon = rng.uniform(LON_MIN, LON_MAX)
                place = rng.choice(village_names)
            word = rng.choice(words)
            r = rng.random()
            if cat == "religious-site" and r < 0.5:
                name = f"{word} {rng.choice(SAINTS)} {place}"
            elif r < 0.02:
                name = f"{word} {place}, {rng.choice(QUARTERS)}"      # CSV needs quotes
            elif r < 0.025:
                name = f'{word} "{rng.choice(ROOTS)}" {place}'        # CSV doubles quotes
            else:
                name = f"{word} {place} {rng.choice(QUARTERS)}" if r < 0.4 else f"{word} {place}"
            sid = f"DE-{prefix}-{i + 1:07d}"
            cap = None
            if caprange and rng.random() < 0.9:
                lo, hi = caprange
                cap = int(round(math.exp(rng.uniform(math.log(lo), math.log(hi)))))
            slat, slon = f"{lat:.6f}", f"{lon:.6f}"
            props = {"id": sid, "name": name, "category": cat}
            if cap is not None:
                props["capacity"] = cap
            gj_lines.append('{"type":"Feature","geometry":{"type":"Point","coordinates":[%s,%s]},'
                            '"properties":%s}' % (slon, slat,
                                                  json.dumps(props, ensure_ascii=False,
                                                             separators=(",", ":"))))
            if '"' in name or "," in name:
                cname = '"' + name.replace('"', '""') + '"'
            else:
                cname = name
            csv_lines.append(f"{sid},{cname},{cat},{slat},{slon},"
                             f"{'' if cap is None else cap}\r\n")
            if len(gj_lines) == 10000 or i == a.n - 1:
                sep = "" if i + 1 - len(gj_lines) == 0 else ",\n"
                gj.write(sep + ",\n".join(gj_lines))
                cv.write("".join(csv_lines))
                gj_lines, csv_lines = [], []
        gj.write("\n]}\n")
    print(f"gen_sites: {a.n} sites (seed {a.seed}) -> {gj_path}, {csv_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
