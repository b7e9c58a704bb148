#!/usr/bin/env python3
"""cascade_gen.py — deterministic synthetic national graph for the cascade benchmark.

Writes OUT/sites.csv and OUT/deps.csv (bulwark's import format, docs/formats.md) with
N sites and exactly D dependencies over four interdependent services of the default
pack: power, water, telecom and fuel. Sites lie in a country-sized box (lat 47–55,
lon 6–15); each infrastructure network is a jittered lattice over the box, so
"nearby" means "in the same or a neighbouring lattice cell".

Sites (shares of N; the rest are consumers):

  2.0 %  power stations      energy.electricity  supplies power (sources); 30 % of them
                             are fuel-fired and need fuel from 2 of 3 nearby depots
                             (k-of-n, needs=2, buffer 72 h)
  6.0 %  substations         energy.electricity  power network nodes; need telecom (SCADA)
                             from 1 of 2 nearby telecom nodes (buffer 8 h)
  0.2 %  telecom cores       communications      supply telecom (sources); need power from
                             1 of 2 nearby power nodes (buffer 24 h)
  1.8 %  telecom hubs        communications      telecom network nodes; need power from one
                             nearby power node (buffer 4 h)
  1.0 %  water works         drinking-water      supply water (sources); need power from
                             1 of 2 power nodes (buffer 12 h)
  2.0 %  pumping stations    drinking-water      water network nodes; need power from one
                             power node (buffer 6 h)
  0.5 %  fuel depots         energy.oil          supply fuel (sources); need power from one
                             power node (buffer 48 h)
  0.5 %  hospitals           hospital            need power from 2 of 3 power nodes
                             (needs=2, buffer 48 h), water from 1 of 2 water nodes, telecom
                             from one telecom node
  86.0 % consumers           urban-centre, educational-institution, commercial-facilities,
                             food, religious-site, public-administration; population_served
                             log-normal (median ~55); need power from 1 of 2 nearby power
                             nodes, and water: from 1 of 2 water nodes for as many as the
                             dependency budget D allows, from one for the rest (and, when D
                             is larger still, telecom from one node for some)

Networks (kind=link, undirected): the power lattice joins every node to its right-hand
neighbour and to the one below with probability 0.35 (water 0.30, telecom 0.50); the
sources are a random subset of each lattice. 70 % of consumers cluster around 400
towns, so the power nodes in towns carry many dependants.

Site ids are nat-0000001 … in a random order of the sites (not grouped by kind), so a
sweep that runs in id order and is stopped early has seen a uniform sample of them.

The output depends only on N, D and the seed: the same arguments give the same bytes.
It prints a summary of the counts.

usage: cascade_gen.py [-n N] [-d D] [--seed S] [-o OUT_DIR]
       (default: -n 1000000 -d 3000000 --seed 1 -o bench/out/cascade/national)
"""
import argparse
import math
import os
import random
import sys

LAT_MIN, LAT_MAX = 47.0, 55.0
LON_MIN, LON_MAX = 6.0, 15.0

CONSUMER_CATEGORIES = [
    ("urban-centre", 50, "Residential district"),
    ("educational-institution", 15, "School"),
    ("commercial-facilities", 15, "Shopping centre"),
    ("food", 10, "Food plant"),
    ("religious-site", 5, "Church"),
    ("public-administration", 5, "Town hall"),
]


class Lattice:
    """count nodes on a jittered R x C lattice over the box (the last row may be partial)."""

    def __init__(self, count, rng):
        self.count = count
        self.cols = max(1, math.ceil(math.sqrt(count * 1.6)))
        self.rows = max(1, math.ceil(count / self.cols))
        self.pos = []
        dlat = (LAT_MAX - LAT_MIN) / self.rows
        dlon = (LON_MAX - LON_MIN) / self.cols
        for i in range(count):
            r, c = divmod(i, self.cols)
            self.pos.append((LAT_MIN + (r + 0.15 + 0.7 * rng.random()) * dlat,
                             LON_MIN + (c + 0.15 + 0.7 * rng.random()) * dlon))

    def cell(self, lat, lon):
        r = min(self.rows - 1, max(0, int((lat - LAT_MIN) / (LAT_MAX - LAT_MIN) * self.rows)))
        c = min(self.cols - 1, max(0, int((lon - LON_MIN) / (LON_MAX - LON_MIN) * self.cols)))
        i = r * self.cols + c
        while i >= self.count:  # partial last row
            i -= self.cols
        return max(i, 0)

    def neighbours(self, i):
        r, c = divmod(i, self.cols)
        out = []
        if c > 0:
            out.append(i - 1)
        if c + 1 < self.cols and i + 1 < self.count:
            out.append(i + 1)
        if r > 0:
            out.append(i - self.cols)
        if i + self.cols < self.count:
            out.append(i + self.cols)
        return out

    def links(self, p_down, rng):
        """(a, b) lattice index pairs: every right-hand edge, each down edge with p_down."""
        out = []
        for i in range(self.count):
            r, c = divmod(i, self.cols)
            if c + 1 < self.cols and i + 1 < self.count:
                out.append((i, i + 1))
            if i + self.cols < self.count and rng.random() < p_down:
                out.append((i, i + self.cols))
        return out

    def pick(self, lat, lon, k, rng):
        """k distinct nodes near (lat, lon): its cell, then random neighbours (fewer if
        the lattice is too small)."""
        first = self.cell(lat, lon)
        out = [first]
        cand = self.neighbours(first)
        rng.shuffle(cand)
        for j in cand:
            if len(out) == k:
                break
            out.append(j)
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=1000000, help="sites (default 1000000)")
    ap.add_argument("-d", type=int, default=None, help="dependencies (default 3 * n)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", default="bench/out/cascade/national", help="output directory")
    a = ap.parse_args()
    n = a.n
    d_target = a.d if a.d is not None else 3 * n
    if n < 1000:
        sys.exit("cascade_gen.py: -n must be at least 1000")
    rng = random.Random(a.seed)

    n_gen = max(4, n * 20 // 1000)
    n_sub = max(4, n * 60 // 1000)
    n_tcore = max(2, n * 2 // 1000)
    n_thub = max(2, n * 18 // 1000)
    n_ww = max(2, n * 10 // 1000)
    n_pump = max(2, n * 20 // 1000)
    n_fuel = max(3, n * 5 // 1000)
    n_hosp = max(1, n * 5 // 1000)
    n_cons = n - (n_gen + n_sub + n_tcore + n_thub + n_ww + n_pump + n_fuel + n_hosp)

    # site records: [kind, name, category, lat, lon, supplies, population]
    sites = []

    def add(kind, name, category, lat, lon, supplies="", pop=""):
        sites.append((kind, name, category, lat, lon, supplies, pop))
        return len(sites) - 1

    # Networks: lattice index -> site index.
    power = Lattice(n_gen + n_sub, rng)
    power_src = set(rng.sample(range(power.count), n_gen))
    power_site = []
    for i, (lat, lon) in enumerate(power.pos):
        if i in power_src:
            power_site.append(add("gen", "Power station %d" % i, "energy.electricity", lat, lon,
                                  "power"))
        else:
            power_site.append(add("sub", "Substation %d" % i, "energy.electricity", lat, lon))
    tele = Lattice(n_tcore + n_thub, rng)
    tele_src = set(rng.sample(range(tele.count), n_tcore))
    tele_site = []
    for i, (lat, lon) in enumerate(tele.pos):
        if i in tele_src:
            tele_site.append(add("tcore", "Telecom core %d" % i, "communications", lat, lon,
                                 "telecom"))
        else:
            tele_site.append(add("thub", "Telecom hub %d" % i, "communications", lat, lon))
    water = Lattice(n_ww + n_pump, rng)
    water_src = set(rng.sample(range(water.count), n_ww))
    water_site = []
    for i, (lat, lon) in enumerate(water.pos):
        if i in water_src:
            water_site.append(add("ww", "Water works %d" % i, "drinking-water", lat, lon,
                                  "water"))
        else:
            water_site.append(add("pump", "Pumping station %d" % i, "drinking-water", lat, lon))
    fuel = Lattice(n_fuel, rng)
    fuel_site = [add("fuel", "Fuel depot %d" % i, "energy.oil", lat, lon, "fuel")
                 for i, (lat, lon) in enumerate(fuel.pos)]

    def somewhere():
        if rng.random() < 0.7:
            tlat, tlon, sig = towns[int(rng.random() * len(towns))]
            lat = min(LAT_MAX, max(LAT_MIN, rng.gauss(tlat, sig)))
            lon = min(LON_MAX, max(LON_MIN, rng.gauss(tlon, sig * 1.5)))
            return lat, lon
        return (LAT_MIN + (LAT_MAX - LAT_MIN) * rng.random(),
                LON_MIN + (LON_MAX - LON_MIN) * rng.random())

    towns = [(LAT_MIN + 0.3 + 7.4 * rng.random(), LON_MIN + 0.3 + 8.4 * rng.random(),
              0.02 + 0.06 * rng.random()) for _ in range(400)]
    hosp_first = len(sites)
    for i in range(n_hosp):
        lat, lon = somewhere()
        add("hosp", "Hospital %d" % i, "hospital", lat, lon)
    cons_first = len(sites)
    cum, tot = [], 0
    for cat, w, _ in CONSUMER_CATEGORIES:
        tot += w
        cum.append(tot)
    for i in range(n_cons):
        x = rng.random() * tot
        j = next(k for k, c in enumerate(cum) if x < c)
        cat, _, word = CONSUMER_CATEGORIES[j]
        lat, lon = somewhere()
        pop = int(math.exp(rng.gauss(4.0, 1.0))) + 1
        add("cons", "%s %d" % (word, i), cat, lat, lon, "", str(pop))
    assert len(sites) == n

    # Dependencies: (site, supplier, service, kind, group, buffer, needs)
    deps = []

    def link(lat_map, pairs, service):
        for x, y in pairs:
            deps.append((lat_map[x], lat_map[y], service, "link", "", "", ""))

    def supply(site, suppliers, service, group, buffer, needs=1):
        for y in suppliers:
            deps.append((site, y, service, "supply", group, buffer,
                         "" if needs == 1 else str(needs)))

    link(power_site, power.links(0.35, rng), "power")
    link(tele_site, tele.links(0.50, rng), "telecom")
    link(water_site, water.links(0.30, rng), "water")

    def near(lat_, s, k):
        lat, lon = sites[s][3], sites[s][4]
        return [lat_[1][j] for j in lat_[0].pick(lat, lon, k, rng)]

    P, T, W, F = (power, power_site), (tele, tele_site), (water, water_site), (fuel, fuel_site)
    for i, s in enumerate(power_site):
        if i in power_src:
            if rng.random() < 0.3:
                sup = near(F, s, 3)
                supply(s, sup, "fuel", "depots", "72", min(2, len(sup)))
        else:
            supply(s, near(T, s, 2), "telecom", "scada", "8")
    for i, s in enumerate(tele_site):
        if i in tele_src:
            supply(s, near(P, s, 2), "power", "grid", "24")
        else:
            supply(s, near(P, s, 1), "power", "", "4")
    for i, s in enumerate(water_site):
        if i in water_src:
            supply(s, near(P, s, 2), "power", "grid", "12")
        else:
            supply(s, near(P, s, 1), "power", "", "6")
    for s in fuel_site:
        supply(s, near(P, s, 1), "power", "", "48")
    for s in range(hosp_first, cons_first):
        sup = near(P, s, 3)
        supply(s, sup, "power", "grid", "48", min(2, len(sup)))
        supply(s, near(W, s, 2), "water", "mains", "")
        supply(s, near(T, s, 1), "telecom", "", "")
    # Consumers: power 1 of 2 each; the rest of the budget goes to water (1 of 2 for as
    # many as it allows, one supplier for the others), then telecom.
    budget = d_target - len(deps) - 2 * n_cons
    if budget < 0:
        sys.exit("cascade_gen.py: -d %d is too small for -n %d (at least %d)"
                 % (d_target, n, len(deps) + 2 * n_cons))
    water2 = max(0, min(n_cons, budget - n_cons))
    water1 = min(n_cons, budget) - water2
    tele1 = max(0, min(n_cons, budget - 2 * n_cons))
    if budget > 3 * n_cons:
        sys.exit("cascade_gen.py: -d %d is too large for -n %d" % (d_target, n))
    for j in range(n_cons):
        s = cons_first + j
        supply(s, near(P, s, 2), "power", "grid", "")
        if j < water2:
            supply(s, near(W, s, 2), "water", "mains", "")
        elif j < water2 + water1:
            supply(s, near(W, s, 1), "water", "", "")
        if j < tele1:
            supply(s, near(T, s, 1), "telecom", "", "")
    assert len(deps) == d_target, (len(deps), d_target)

    # Ids: a random permutation, so id order mixes the kinds.
    order = list(range(n))
    rng.shuffle(order)
    ident = [""] * n
    for rank, s in enumerate(order):
        ident[s] = "nat-%07d" % (rank + 1)

    os.makedirs(a.o, exist_ok=True)
    with open(os.path.join(a.o, "sites.csv"), "w", newline="\n", encoding="utf-8") as f:
        f.write("id,name,category,lat,lon,supplies,population_served\n")
        out = []
        for s in order:
            _, name, cat, lat, lon, sup, pop = sites[s]
            out.append("%s,%s,%s,%.6f,%.6f,%s,%s\n" % (ident[s], name, cat, lat, lon, sup, pop))
            if len(out) >= 65536:
                f.write("".join(out))
                out = []
        f.write("".join(out))
    with open(os.path.join(a.o, "deps.csv"), "w", newline="\n", encoding="utf-8") as f:
        f.write("site,supplier,service,kind,redundancy_group,buffer_hours,directed,needs\n")
        out = []
        for s, y, svc, kind, group, buf, needs in deps:
            out.append("%s,%s,%s,%s,%s,%s,,%s\n" % (ident[s], ident[y], svc, kind, group, buf,
                                                    needs))
            if len(out) >= 65536:
                f.write("".join(out))
                out = []
        f.write("".join(out))

    kinds = {}
    for rec in sites:
        kinds[rec[0]] = kinds.get(rec[0], 0) + 1
    per = {}
    for rec in deps:
        key = (rec[2], rec[3])
        per[key] = per.get(key, 0) + 1
    print("cascade_gen: %d sites, %d deps (seed %d) -> %s" % (n, len(deps), a.seed, a.o))
    print("  sites: " + ", ".join("%s %d" % kv for kv in sorted(kinds.items())))
    print("  deps:  " + ", ".join("%s/%s %d" % (k[0], k[1], v) for k, v in sorted(per.items())))
    print("  consumers: water 1-of-2 %d, water single %d, telecom %d"
          % (water2, water1, tele1))


if __name__ == "__main__":
    main()
