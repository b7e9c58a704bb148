#!/usr/bin/env python3
"""risk_numpy.py — the risk model of docs/methodology.md ("The risk assessment") written
plainly in Python/NumPy, as an analyst would: the peer of bench/risk_bench.c.

Reads the pack's JSON files itself (taxonomy, threats, measures, risk) and the generated
register (risk_gen.py: sites.csv, levels.csv), then for every site x threat type computes
the deterministic T, V, consequence vector, C and risk (all ranges at their mode) and a
Monte Carlo of TRIALS trials (NumPy's default generator, seeded; triangular draws by the
inverse CDF, the same comonotone pairs as the C engine) giving P5/P50/P95 of risk and
fatalities with np.percentile. Vectorised over sites, threat by threat, in chunks of
--chunk sites. It shares no code with the C engine; the random streams differ, so only
the deterministic part can agree exactly (the Monte Carlo agrees statistically).

Prints "RESULT key value" lines (load_s, assess_s, assess_cpu_s, sums) like risk_bench. With --sample-out
it writes every --sample-step-th site's results (the TSV of risk_bench); with --check FILE
it compares the deterministic columns of FILE (written by risk_bench) with its own and
exits 1 on any relative difference above 1e-4; it also prints the ratio of the sums of P50
risk over the same pairs (the Monte Carlo, which agrees only statistically).

usage: risk_numpy.py PACK_DIR DATA_DIR [--trials N] [--seed N] [--chunk N] [--limit N]
                     [--sample-step K] [--sample-out FILE] [--check FILE]
  --limit N   assess only the first N sites (the run is then partial: run-risk.sh
              extrapolates the time to all sites)
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np

KB_INCIDENT = [  # Kingery-Bulmash incident overpressure, metric (Swisdak 1994; methodology.md 2.3)
    (0.2, 2.9, [7.2106, -2.1069, -0.3229, 0.1117, 0.0685]),
    (2.9, 23.8, [7.5938, -3.0523, 0.40977, 0.0261, -0.01267]),
    (23.8, 198.5, [6.0536, -1.4066]),
]


def kb_pressure(z):
    for lo, hi, c in KB_INCIDENT:
        if lo <= z <= hi:
            lz = math.log(z)
            return math.exp(sum(ci * lz ** i for i, ci in enumerate(c)))
    return float("nan")


def blast_radius(w, kpa):
    """Distance (m) at which the incident overpressure of w kg TNT falls to kpa (bisection)."""
    lo, hi = math.log(0.2), math.log(198.5)
    if not (kb_pressure(0.2) >= kpa >= kb_pressure(198.5)):
        return 0.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if kb_pressure(math.exp(mid)) > kpa:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi)) * w ** (1.0 / 3.0)


def lens(r1, r2, d):
    """Area of the intersection of discs of radii r1 (scalar) and r2, centres d apart (arrays)."""
    r2 = np.asarray(r2, dtype=float)
    d = np.asarray(d, dtype=float)
    out = np.zeros(np.broadcast(r2, d).shape)
    if r1 <= 0:
        return out
    inside = d <= np.abs(r1 - r2)
    part = (~inside) & (d < r1 + r2) & (r2 > 0)
    rmin = np.minimum(r1, r2)
    out = np.where(inside & (r2 > 0), math.pi * rmin * rmin, out)
    dd, rr = np.where(part, d, 1.0), np.where(part, r2, 1.0)
    a1 = np.clip((dd * dd + r1 * r1 - rr * rr) / (2 * dd * r1), -1, 1)
    a2 = np.clip((dd * dd + rr * rr - r1 * r1) / (2 * dd * rr), -1, 1)
    k = (-dd + r1 + rr) * (dd + r1 - rr) * (dd - r1 + rr) * (dd + r1 + rr)
    area = r1 * r1 * np.arccos(a1) + rr * rr * np.arccos(a2) - 0.5 * np.sqrt(np.maximum(k, 0))
    return np.where(part, area, out)


def tri_inv(t, u):
    """Inverse CDF of the triangular range t = (lo, mode, hi) (arrays or scalars) at u."""
    lo, mode, hi = (np.asarray(x, dtype=float) for x in t)
    width = hi - lo
    fc = np.where(width > 0, (mode - lo) / np.where(width > 0, width, 1), 0.0)
    left = lo + np.sqrt(u * width * (mode - lo))
    right = hi - np.sqrt((1 - u) * width * (hi - mode))
    return np.where(width > 0, np.where(u < fc, left, right), lo)


def attempt_probability(lam):
    return -np.expm1(-lam)


def load(packdir, datadir):
    tax = json.load(open(os.path.join(packdir, "taxonomy.json")))
    risk = json.load(open(os.path.join(packdir, "risk.json")))
    threats = json.load(open(os.path.join(packdir, "threats.json")))["threat_types"]
    measures = json.load(open(os.path.join(packdir, "measures.json")))["measures"]
    sector_of = {}
    for s in tax["sectors"]:
        sector_of[s["id"]] = None
        for sub in s.get("subsectors", []):
            sector_of[sub["id"]] = s["id"]
    for c in tax["categories"]:
        sector_of[c["id"]] = c.get("sector")
    classes = risk["classes"]
    cidx = {c["class"]: i for i, c in enumerate(classes)}

    def class_for(cid):
        if cid in cidx:
            return cidx[cid]
        if sector_of.get(cid) in cidx:
            return cidx[sector_of[cid]]
        return cidx["*"]

    families = [f["family"] for f in risk["families"]]
    fam = {f["family"]: f for f in risk["families"]}
    count = {}
    for t in threats:
        count[t["family"]] = count.get(t["family"], 0) + 1
    tidx = {t["id"]: k for k, t in enumerate(threats)}
    midx = {m["id"]: j for j, m in enumerate(measures)}
    tiers = {t["tier"]: i for i, t in enumerate(risk["likelihood"]["tiers"])}

    levels = {}
    with open(os.path.join(datadir, "levels.csv")) as f:
        next(f)
        for line in f:
            r, t, rank = line.rstrip("\n").split(",")
            levels[(int(r), t)] = int(rank)
    cls, tier, cap, area, police, olo, omode, ohi, region = [], [], [], [], [], [], [], [], []
    sm_site, sm_meas, sm_q = [], [], []
    cache = {}
    with open(os.path.join(datadir, "sites.csv")) as f:
        next(f)
        for i, line in enumerate(f):
            p = line.rstrip("\r\n").split(",")
            c = cache.get(p[0])
            if c is None:
                c = cache[p[0]] = class_for(p[0])
            cls.append(c)
            tier.append(tiers[p[1]])
            cap.append(float(p[2]))
            area.append(float(p[3]))
            police.append(float(p[4]) if p[4] else math.nan)
            olo.append(float(p[5]))
            omode.append(float(p[6]))
            ohi.append(float(p[7]))
            region.append(int(p[8]))
            if p[9]:
                for item in p[9].split(";"):
                    mid, q = item.split(":")
                    sm_site.append(i)
                    sm_meas.append(midx[mid])
                    sm_q.append(float(q))
    n = len(cls)
    nregions = max(region) + 1 if region else 1
    rank_of_region = np.zeros((nregions, len(threats)), dtype=np.int64)
    for (r, t), v in levels.items():
        if r < nregions and t in tidx:
            rank_of_region[r, tidx[t]] = v
    sites = dict(cls=np.array(cls), tier=np.array(tier), cap=np.array(cap, dtype=np.float32).astype(float),
                 area=np.array(area, dtype=np.float32).astype(float),
                 police=np.array(police, dtype=np.float32).astype(float),
                 olo=np.array(olo, dtype=np.float32).astype(float),
                 omode=np.array(omode, dtype=np.float32).astype(float),
                 ohi=np.array(ohi, dtype=np.float32).astype(float), region=np.array(region))
    sm = (np.array(sm_site, dtype=np.int64), np.array(sm_meas, dtype=np.int64),
          np.array(sm_q, dtype=np.float32).astype(float))
    return dict(risk=risk, threats=threats, measures=measures, families=families, fam=fam,
                count=count, classes=classes, sites=sites, sm=sm, n=n,
                rank_of_region=rank_of_region)


def vuln_rule(risk, class_id, family):
    best, rule = -1, None
    for r in risk["vulnerability"]:
        cs = 2 if r["class"] == class_id else 0 if r["class"] == "*" else -1
        fs = 1 if r["family"] == family else 0 if r["family"] == "*" else -1
        if cs >= 0 and fs >= 0 and cs + fs > best:
            best, rule = cs + fs, r
    return rule["v"]


def assess(d, trials, seed, chunk, limit):
    risk, threats, measures, sites = d["risk"], d["threats"], d["measures"], d["sites"]
    n = min(d["n"], limit) if limit else d["n"]
    classes, fam = d["classes"], d["fam"]
    lk = risk["likelihood"]
    rates = np.array([r["rate"] for r in lk["base_rate"]], dtype=float)     # (ranks, 3)
    tierf = np.array([t["factor"] for t in lk["tiers"]], dtype=float)
    attr = np.array([c["attractiveness"] for c in classes], dtype=float)
    occ = np.array([c["occupancy"] for c in classes], dtype=float)          # (classes, 3)
    dens = np.array([c["density_pm2"] for c in classes], dtype=float)
    minp = np.array([c["min_present"] for c in classes], dtype=float)
    prop = np.array([c["property_value"] for c in classes], dtype=float)
    sym = np.array([c["symbolic"] for c in classes], dtype=float)
    ec, w = risk["economic"], risk["weights"]
    vsl, iv = ec["vsl"]["value"], ec["injury_value"]["value"]
    ph, sv = ec["person_hour"]["value"], ec["symbolic_value"]["value"]
    bl, fa, ra, ua = risk["blast"], risk["firearms"], risk["ramming"], risk["uas"]

    cls = sites["cls"][:n]
    cap, area_in, police = sites["cap"][:n], sites["area"][:n], sites["police"][:n]
    outage = np.stack([sites["olo"][:n], sites["omode"][:n], sites["ohi"][:n]])
    ranks = d["rank_of_region"][sites["region"][:n]]                        # (n, threats)
    n0 = np.where(cap > 0, cap, minp[cls])
    area = np.where(area_in > 0, area_in, n0 / dens[cls])
    rs = np.sqrt(area / math.pi)
    sm_site, sm_meas, sm_q = d["sm"]
    keep = sm_site < n
    sm_site, sm_meas, sm_q = sm_site[keep], sm_meas[keep], sm_q[keep]

    nt = len(threats)
    det = {k: np.zeros((n, nt)) for k in ("t", "v", "c", "risk", "fat", "inj", "outage", "econ")}
    mc = {k: np.zeros((n, nt)) for k in ("risk_p5", "risk_p50", "risk_p95", "fat_p5", "fat_p50", "fat_p95")}
    rng = np.random.default_rng(seed)
    for k, th in enumerate(threats):
        f = fam[th["family"]]
        par = th.get("parameters", {})
        tnt = par.get("tnt_kg", 0) or (par.get("payload_g", 0) / 1000.0)
        veh, spd = par.get("vehicle_kg", 0), par.get("speed_kmh", 0)
        uas_speed = par.get("speed_ms", 0)
        # Measures in place acting on this threat.
        vm, standoff, detect = np.ones(n), np.zeros(n), np.zeros(n)
        for j, m in enumerate(measures):
            if th["id"] not in m["threats"] and th["family"] not in m["threats"]:
                continue
            sel = sm_meas == j
            if not sel.any():
                continue
            s_idx, q = sm_site[sel], sm_q[sel]
            eff = m["effect"]
            b = eff.get("barrier")
            if b and veh > 0:
                e_r = 0.5 * b["vehicle_kg"] * (b["speed_kmh"] / 3.6) ** 2
                e_t = 0.5 * veh * (spd / 3.6) ** 2
                if not (e_r >= e_t and b["vehicle_kg"] >= veh):
                    continue
            so = eff.get("standoff_m", 0)
            if not (so > 0 and tnt > 0):
                np.multiply.at(vm, s_idx, 1.0 - eff["effectiveness"] * q)
            np.maximum.at(standoff, s_idx, so * q)
            dr = eff.get("detection", {}).get("range_m", 0)
            np.maximum.at(detect, s_idx, dr * q)
        shelter = np.zeros(n)
        if th["family"] == "uas" and uas_speed > 0:
            warn = detect / uas_speed
            shelter = np.where(detect > 0, ua["max_sheltered"] * np.minimum(1.0, warn / ua["shelter_s"]), 0.0)
        blast = 0
        emax = np.full(n, f["max_exposed"] if f["max_exposed"] > 0 else np.inf)
        p2 = np.zeros(n)
        if f["exposure"] in ("blast", "uas") and tnt > 0:
            blast = 1
            rf, ri = blast_radius(tnt, bl["fatal_kpa"]), blast_radius(tnt, bl["injury_kpa"])
            if f["exposure"] == "blast":
                dist = np.where((th["family"] == "vbied") | (standoff > 0), rs + standoff, 0.0)
            else:
                dist = np.zeros(n)
            atot = math.pi * rs * rs
            sf = np.where(atot > 0, lens(rf, rs, dist) / atot, 0.0)
            si = np.where(atot > 0, lens(ri, rs, dist) / atot, 0.0)
            p1 = n0 * sf * (1 - shelter)
            p2 = n0 * np.maximum(si - sf, 0) * (1 - shelter)
            emax = np.full(n, np.inf)
        elif f["exposure"] == "firearms":
            dist = np.where(np.isnan(police), fa["default_distance_m"], police)
            minutes = fa["dispatch_min"] + dist / 1000.0 * fa["road_factor"] / fa["speed_kmh"] * 60.0
            capx = np.minimum(n0, fa["rate_per_min"] * minutes)
            p1 = n0 * f["exposed_fraction"]
            emax = np.minimum(emax, capx)
        elif f["exposure"] == "ramming":
            e = 0.5 * veh * (spd / 3.6) ** 2
            eref = 0.5 * ra["ref_mass_kg"] * (ra["ref_speed_kmh"] / 3.6) ** 2
            sev = min(1.0, e / eref) if e > 0 and eref > 0 else 0.0
            hit = n0 / area * ra["approach_m"] * ra["width_m"] * sev * f["exposed_fraction"]
            p1 = np.minimum(hit, n0)
        else:
            p1 = n0 * f["exposed_fraction"] * (1 - shelter)
        lamfac = attr[cls] * tierf[sites["tier"][:n]] * f["share"] * (1.0 / d["count"][th["family"]])
        rate = rates[ranks[:, k] - 1]                                            # (n, 3)
        vt = np.array([vuln_rule(risk, c["class"], th["family"]) for c in classes], dtype=float)[cls]

        def evaluate(rate_v, vb, occ_v, ff, fi, vsl_v, iv_v, prop_v, out_v, p1_, p2_, emax_, lamfac_, vm_, sym_):
            e1 = np.minimum(occ_v * p1_, emax_)
            fat = ff * e1
            inj = fi * occ_v * p2_ + (1 - ff) * e1 if blast else fi * e1
            o = out_v * f["outage_factor"]
            econ = prop_v * f["property_factor"] + o * ph
            c = w["fatalities"] * fat * vsl_v + w["injuries"] * inj * iv_v + w["economic"] * econ + \
                w["symbolic"] * sym_ * sv
            t = attempt_probability(rate_v * lamfac_)
            v = vb * vm_
            return t, v, c, t * v * c, fat, inj, o, econ

        res = evaluate(rate[:, 1], vt[:, 1], occ[cls, 1], f["fatal_fraction"][1], f["injury_fraction"][1],
                       vsl[1], iv[1], prop[cls, 1], outage[1], p1, p2, emax, lamfac, vm, sym[cls])
        for key, val in zip(("t", "v", "c", "risk", "fat", "inj", "outage", "econ"), res):
            det[key][:, k] = val
        if trials:
            for s0 in range(0, n, chunk):
                s1 = min(n, s0 + chunk)
                m = s1 - s0
                u = rng.random((6, m, trials))
                col = lambda a: a[s0:s1, None]  # noqa: E731
                T3 = lambda a, i: a[s0:s1, i][:, None]  # noqa: E731
                rate_d = tri_inv((T3(rate, 0), T3(rate, 1), T3(rate, 2)), u[0])
                v_d = tri_inv((T3(vt, 0), T3(vt, 1), T3(vt, 2)), u[1])
                oc = occ[cls[s0:s1]]
                occ_d = tri_inv((oc[:, 0, None], oc[:, 1, None], oc[:, 2, None]), u[2])
                ff_d = tri_inv(f["fatal_fraction"], u[3])
                fi_d = tri_inv(f["injury_fraction"], u[3])
                vsl_d = tri_inv(vsl, u[4])
                iv_d = tri_inv(iv, u[4])
                pr = prop[cls[s0:s1]]
                prop_d = tri_inv((pr[:, 0, None], pr[:, 1, None], pr[:, 2, None]), u[4])
                out_d = tri_inv((outage[0, s0:s1, None], outage[1, s0:s1, None], outage[2, s0:s1, None]), u[5])
                _, _, _, risk_d, fat_d, _, _, _ = evaluate(rate_d, v_d, occ_d, ff_d, fi_d, vsl_d, iv_d, prop_d,
                                                           out_d, col(p1), col(p2), col(emax), col(lamfac),
                                                           col(vm), col(sym[cls]))
                pr_ = np.percentile(risk_d, [5, 50, 95], axis=1)
                pf_ = np.percentile(fat_d, [5, 50, 95], axis=1)
                mc["risk_p5"][s0:s1, k], mc["risk_p50"][s0:s1, k], mc["risk_p95"][s0:s1, k] = pr_
                mc["fat_p5"][s0:s1, k], mc["fat_p50"][s0:s1, k], mc["fat_p95"][s0:s1, k] = pf_
    return n, det, mc


COLS = ["t", "v", "c", "risk", "fatalities", "injuries", "outage_ph", "economic",
        "risk_p5", "risk_p50", "risk_p95", "fat_p5", "fat_p50", "fat_p95"]
DET_KEYS = ["t", "v", "c", "risk", "fat", "inj", "outage", "econ"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pack")
    ap.add_argument("data")
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=20000)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--sample-step", type=int, default=1000)
    ap.add_argument("--sample-out")
    ap.add_argument("--check")
    a = ap.parse_args()
    t0 = time.monotonic()
    d = load(a.pack, a.data)
    t_load = time.monotonic() - t0
    t0, c0 = time.monotonic(), time.process_time()
    n, det, mc = assess(d, a.trials, a.seed, a.chunk, a.limit)
    t_run, c_run = time.monotonic() - t0, time.process_time() - c0
    nt = len(d["threats"])
    print("risk_numpy: %d sites x %d threat types x %d trials (NumPy %s, 1 thread): %.2f s (load %.2f s)"
          % (n, nt, a.trials, np.__version__, t_run, t_load))
    for k, v in (("sites", n), ("sites_total", d["n"]), ("threats", nt), ("trials", a.trials),
                 ("load_s", t_load), ("assess_s", t_run), ("assess_cpu_s", c_run),
                 ("sum_risk", det["risk"].sum()),
                 ("sum_risk_p50", mc["risk_p50"].sum())):
        print("RESULT %s %.6g" % (k, v))
    print("RESULT numpy_version %s" % np.__version__)
    ids = [t["id"] for t in d["threats"]]
    if a.sample_out:
        with open(a.sample_out, "w") as f:
            f.write("site\tthreat\t" + "\t".join(COLS) + "\n")
            for s in range(0, n, a.sample_step):
                for k in range(nt):
                    vals = [det[x][s, k] for x in DET_KEYS] + [mc[x][s, k] for x in
                                                               ("risk_p5", "risk_p50", "risk_p95",
                                                                "fat_p5", "fat_p50", "fat_p95")]
                    f.write("%d\t%s\t" % (s, ids[k]) + "\t".join("%.9g" % x for x in vals) + "\n")
    if a.check:
        bad = checked = 0
        worst = 0.0
        p50_c = p50_np = 0.0
        kidx = {t: k for k, t in enumerate(ids)}
        with open(a.check) as f:
            next(f)
            for line in f:
                p = line.rstrip("\n").split("\t")
                s, k = int(p[0]), kidx[p[1]]
                if s >= n:
                    continue
                p50_c += float(p[2 + COLS.index("risk_p50")])
                p50_np += mc["risk_p50"][s, k]
                for ci, key in enumerate(DET_KEYS):
                    cv, pv = float(p[2 + ci]), det[key][s, k]
                    rel = abs(cv - pv) / max(abs(pv), 1e-30) if pv != 0 else abs(cv)
                    if rel > 1e-4 and abs(cv - pv) > 1e-9:
                        if bad < 10:
                            print("check: site %d %s %s: C %.9g, NumPy %.9g" % (s, p[1], COLS[ci], cv, pv))
                        bad += 1
                    worst = max(worst, rel if abs(cv - pv) > 1e-9 else 0)
                    checked += 1
        print("check: %d deterministic values compared, %d differ by more than 1e-4 (largest relative "
              "difference %.2g)" % (checked, bad, worst))
        print("check: Monte Carlo (different random streams): sum of P50 risk over the same site x "
              "threat pairs: C %.4g, NumPy %.4g (ratio %.3f)" % (p50_c, p50_np, p50_c / p50_np if p50_np else 0))
        print("RESULT p50_ratio %.6g" % (p50_c / p50_np if p50_np else 0))
        print("RESULT checked %d" % checked)
        print("RESULT mismatches %d" % bad)
        if bad:
            sys.exit(1)


if __name__ == "__main__":
    main()
