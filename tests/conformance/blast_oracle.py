"""Independent Kingery-Bulmash oracle (hemispherical surface burst, metric units).

Written from the coefficient table of Swisdak (1994), "Simplified Kingery Airblast
Calculations" (NSWC Indian Head, DTIC ADA526744), as reproduced in the methodology
research pack (§2.3) — not from bulwark's C. The table is kept below as the text rows it
was copied from and parsed at import, so a typo in a transcription would show as a
disagreement with the C engine rather than be repeated by it.

Each output Y = exp(A + B·L + C·L² + D·L³ + E·L⁴ + F·L⁵ + G·L⁶), L = ln Z, Z = R / W^(1/3).
Times and impulses are per kg^(1/3) (multiply by W^(1/3)); the shock-front velocity is
multiplied by 1000. Outside an output's Z range there is no value (None): no
extrapolation. At a boundary shared by two pieces the lower piece applies.

The one rule that is bulwark's rather than Swisdak's (docs/methodology.md, "Physical
effects"): a peak pressure (incident, reflected) never rises with distance; where the
next piece starts above the value the previous one reached at the boundary, the value is
held at that level until the new piece falls below it.

Python 3 standard library only.
"""

import math

# Output | Z range | A | B | C | D | E | F | G | Multiplier  (methodology.md §2.3, metric)
TABLE = """
Incident pressure | 0.2–2.9 | 7.2106 | −2.1069 | −0.3229 | 0.1117 | 0.0685 | 0 | 0 | 1
Incident pressure | 2.9–23.8 | 7.5938 | −3.0523 | 0.40977 | 0.0261 | −0.01267 | 0 | 0 | 1
Incident pressure | 23.8–198.5 | 6.0536 | −1.4066 | 0 | 0 | 0 | 0 | 0 | 1
Reflected pressure | 0.06–2.00 | 9.006 | −2.6893 | −0.6295 | 0.1011 | 0.29255 | 0.13505 | 0.019736 | 1
Reflected pressure | 2.00–40 | 8.8396 | −1.733 | −2.64 | 2.293 | −0.8232 | 0.14247 | −0.0099 | 1
Time of arrival | 0.06–1.50 | −0.7604 | 1.8058 | 0.1257 | −0.0437 | −0.0310 | −0.00669 | 0 | W^(1/3)
Time of arrival | 1.50–40 | −0.7137 | 1.5732 | 0.5561 | −0.4213 | 0.1054 | −0.00929 | 0 | W^(1/3)
Positive phase duration | 0.2–1.02 | 0.5426 | 3.2299 | −1.5931 | −5.9667 | −4.0815 | −0.9149 | 0 | W^(1/3)
Positive phase duration | 1.02–2.8 | 0.5440 | 2.7082 | −9.7354 | 14.3425 | −9.7791 | 2.8535 | 0 | W^(1/3)
Positive phase duration | 2.8–40 | −2.4608 | 7.1639 | −5.6215 | 2.2711 | −0.44994 | 0.03486 | 0 | W^(1/3)
Incident impulse | 0.2–0.96 | 5.522 | 1.117 | 0.6 | −0.292 | −0.087 | 0 | 0 | W^(1/3)
Incident impulse | 0.96–2.38 | 5.465 | −0.308 | −1.464 | 1.362 | −0.432 | 0 | 0 | W^(1/3)
Incident impulse | 2.38–33.7 | 5.2749 | −0.4677 | −0.2499 | 0.0588 | −0.00554 | 0 | 0 | W^(1/3)
Incident impulse | 33.7–158.7 | 5.9825 | −1.062 | 0 | 0 | 0 | 0 | 0 | W^(1/3)
Reflected impulse | 0.06–40 | 6.7853 | −1.3466 | 0.101 | 0.01123 | 0 | 0 | 0 | W^(1/3)
Shock-front velocity | 0.06–1.50 | 0.1794 | −0.956 | −0.0866 | 0.109 | 0.0699 | 0.01218 | 0 | ×1000
Shock-front velocity | 1.50–40 | 0.2597 | −1.326 | 0.3767 | 0.0396 | −0.0351 | 0.00432 | 0 | ×1000
"""

# The names bulwark's --json uses for each output of the table.
NAMES = {
    "Incident pressure": "p_inc_kpa",
    "Reflected pressure": "p_ref_kpa",
    "Incident impulse": "i_inc_kpa_ms",
    "Reflected impulse": "i_ref_kpa_ms",
    "Time of arrival": "t_arrival_ms",
    "Positive phase duration": "t_positive_ms",
    "Shock-front velocity": "u_shock_m_s",
}
PRESSURES = ("p_inc_kpa", "p_ref_kpa")


def _num(text):
    return float(text.strip().replace("\u2212", "-"))


def _parse():
    fits = {}
    for line in TABLE.strip().splitlines():
        cells = [c.strip() for c in line.split("|")]
        name = NAMES[cells[0]]
        lo, hi = (_num(x) for x in cells[1].split("\u2013"))
        coef = [_num(x) for x in cells[2:9]]
        mult = cells[9]
        fits.setdefault(name, {"pieces": [], "mult": mult})["pieces"].append((lo, hi, coef))
    for f in fits.values():
        f["pieces"].sort()
    return fits


FITS = _parse()


def _poly(coef, z):
    lz = math.log(z)
    return math.exp(sum(c * lz ** k for k, c in enumerate(coef)))


def fit_range(name):
    p = FITS[name]["pieces"]
    return p[0][0], p[-1][1]


def scaled(name, z):
    """The output per unit charge at scaled distance z, or None out of range."""
    pieces = FITS[name]["pieces"]
    if not (pieces[0][0] <= z <= pieces[-1][1]):
        return None
    value = None
    held = math.inf  # lowest value reached at the ends of the pieces before
    for lo, hi, coef in pieces:
        if z <= hi:
            value = _poly(coef, z)
            break
        held = min(held, _poly(coef, hi))
    if name in PRESSURES:
        value = min(value, held)
    if FITS[name]["mult"] == "\u00d71000":
        value *= 1000.0
    return value


def cube_root(w):
    """W^(1/3); math.cbrt (Python 3.11+) is correctly rounded like C's cbrt, so Z is the
    same double on both sides and a Z placed exactly on a piece boundary picks the same
    piece."""
    return math.cbrt(w) if hasattr(math, "cbrt") else w ** (1.0 / 3.0)


def blast(w_kg, r_m):
    """All outputs of w_kg TNT at r_m metres: {name: value or None}, and Z."""
    w3 = cube_root(w_kg)
    z = r_m / w3
    out = {}
    for name in NAMES.values():
        v = scaled(name, z)
        if v is not None and FITS[name]["mult"] == "W^(1/3)":
            v *= w3
        out[name] = v
    return z, out


def range_for_incident(w_kg, kpa):
    """Distance (m) at which the incident overpressure of w_kg falls to kpa, or None
    outside the fit. Golden-section-free plain bisection on Z (not on ln Z)."""
    lo, hi = fit_range("p_inc_kpa")
    if not (scaled("p_inc_kpa", hi) <= kpa <= scaled("p_inc_kpa", lo)):
        return None
    a, b = lo, hi
    for _ in range(300):
        m = 0.5 * (a + b)
        if scaled("p_inc_kpa", m) >= kpa:
            a = m
        else:
            b = m
    return 0.5 * (a + b) * cube_root(w_kg)
