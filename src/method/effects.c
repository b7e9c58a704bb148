/*
 * effects.c — physical-effects models: Kingery–Bulmash air blast and its inverse,
 * crowd exposure, ramming, firearms response and UAS warning (effects.h).
 *
 * The blast fits are the metric coefficients of Swisdak (1994), "Simplified Kingery
 * Airblast Calculations" (NSWC Indian Head, DTIC ADA526744), as listed in
 * methodology.md §2.3: for each output a short table of pieces, each valid on a closed
 * interval of scaled distance Z and evaluated as exp(polynomial in ln Z). Pieces are
 * contiguous, so an output's validity range is [first piece's low, last piece's high];
 * a Z outside it is BW_ERANGE, never an extrapolation. At a shared boundary the lower
 * piece is used; the fits do not meet exactly there (the jumps are reported by
 * tests/unit/method/test_effects.c: at most 2.4 %, for the incident impulse at 2.38).
 * Two of those jumps go the wrong way for a peak pressure: the incident overpressure
 * rises by 0.70 % just past Z = 23.8 and the reflected one by 0.08 % past Z = 2.0. A
 * peak pressure that grows with distance is an artefact of the fit, and it would make
 * the inverse ambiguous, so the two pressures are capped at the value the lower piece
 * reached at the boundary: the curve is flat from 23.8 to about 23.92 (incident) and
 * from 2.0 to about 2.0005 (reflected), and unchanged everywhere else.
 *
 * The inverse (distance for an incident overpressure) bisects on ln Z, where the fit
 * is a smooth, strictly decreasing function; bisection needs only that the function is
 * monotone and cannot fail to converge, and 200 halvings of a range that is at most
 * ln(198.5/0.2) ≈ 6.9 wide reach far below double precision.
 *
 * Everything here is pure: no state, no allocation, no I/O, hence thread-safe.
 */
#include "effects.h"
#include "error.h"

#include <math.h>
#include <string.h>

/* ---- the coefficient table --------------------------------------------------------- */

struct piece {
    double z_lo, z_hi;
    double c[7]; /* A..G */
};

struct fit {
    const char *name;
    int scaled; /* 1: multiply by W^(1/3) (times and impulses) */
    int falling; /* 1: a peak pressure, capped so that it never rises with distance */
    double mult; /* constant multiplier (1000 for the shock-front velocity) */
    size_t npieces;
    struct piece pieces[4];
};

/* Swisdak (1994), metric units, as tabulated in methodology.md §2.3. */
static const struct fit fits[BW_BLAST_NOUT] = {
    [BW_BLAST_P_INC] = {"p_inc_kpa", 0, 1, 1.0, 3, {
        {0.2, 2.9, {7.2106, -2.1069, -0.3229, 0.1117, 0.0685, 0, 0}},
        {2.9, 23.8, {7.5938, -3.0523, 0.40977, 0.0261, -0.01267, 0, 0}},
        {23.8, 198.5, {6.0536, -1.4066, 0, 0, 0, 0, 0}},
    }},
    [BW_BLAST_P_REF] = {"p_ref_kpa", 0, 1, 1.0, 2, {
        {0.06, 2.00, {9.006, -2.6893, -0.6295, 0.1011, 0.29255, 0.13505, 0.019736}},
        {2.00, 40.0, {8.8396, -1.733, -2.64, 2.293, -0.8232, 0.14247, -0.0099}},
    }},
    [BW_BLAST_I_INC] = {"i_inc_kpa_ms", 1, 0, 1.0, 4, {
        {0.2, 0.96, {5.522, 1.117, 0.6, -0.292, -0.087, 0, 0}},
        {0.96, 2.38, {5.465, -0.308, -1.464, 1.362, -0.432, 0, 0}},
        {2.38, 33.7, {5.2749, -0.4677, -0.2499, 0.0588, -0.00554, 0, 0}},
        {33.7, 158.7, {5.9825, -1.062, 0, 0, 0, 0, 0}},
    }},
    [BW_BLAST_I_REF] = {"i_ref_kpa_ms", 1, 0, 1.0, 1, {
        {0.06, 40.0, {6.7853, -1.3466, 0.101, 0.01123, 0, 0, 0}},
    }},
    [BW_BLAST_T_ARR] = {"t_arrival_ms", 1, 0, 1.0, 2, {
        {0.06, 1.50, {-0.7604, 1.8058, 0.1257, -0.0437, -0.0310, -0.00669, 0}},
        {1.50, 40.0, {-0.7137, 1.5732, 0.5561, -0.4213, 0.1054, -0.00929, 0}},
    }},
    [BW_BLAST_T_POS] = {"t_positive_ms", 1, 0, 1.0, 3, {
        {0.2, 1.02, {0.5426, 3.2299, -1.5931, -5.9667, -4.0815, -0.9149, 0}},
        {1.02, 2.8, {0.5440, 2.7082, -9.7354, 14.3425, -9.7791, 2.8535, 0}},
        {2.8, 40.0, {-2.4608, 7.1639, -5.6215, 2.2711, -0.44994, 0.03486, 0}},
    }},
    [BW_BLAST_U_SHOCK] = {"u_shock_m_s", 0, 0, 1000.0, 2, {
        {0.06, 1.50, {0.1794, -0.956, -0.0866, 0.109, 0.0699, 0.01218, 0}},
        {1.50, 40.0, {0.2597, -1.326, 0.3767, 0.0396, -0.0351, 0.00432, 0}},
    }},
};

static int valid_output(enum bw_blast_output o)
{
    return (int)o >= 0 && o < BW_BLAST_NOUT;
}

static int positive(double x)
{
    return isfinite(x) && x > 0;
}

static int nonneg(double x)
{
    return isfinite(x) && x >= 0;
}

const char *bw_blast_output_name(enum bw_blast_output o)
{
    return valid_output(o) ? fits[o].name : "?";
}

int bw_blast_fit_range(enum bw_blast_output o, double *z_min, double *z_max)
{
    if (!valid_output(o))
        return BW_EINVAL;
    *z_min = fits[o].pieces[0].z_lo;
    *z_max = fits[o].pieces[fits[o].npieces - 1].z_hi;
    return BW_OK;
}

/* Evaluates the polynomial in L = ln z by Horner's rule (c[0] + c[1] L + …). */
static double eval_piece(const struct piece *pc, double z)
{
    double l = log(z), y = 0;
    for (int k = 6; k >= 0; k--)
        y = y * l + pc->c[k];
    return exp(y);
}

int bw_blast_scaled(enum bw_blast_output o, double z, double *out)
{
    const struct fit *f;

    *out = 0;
    if (!valid_output(o) || isnan(z) || z <= 0)
        return BW_EINVAL;
    f = &fits[o];
    if (z < f->pieces[0].z_lo || z > f->pieces[f->npieces - 1].z_hi)
        return BW_ERANGE;
    for (size_t i = 0; i < f->npieces; i++) {
        if (z <= f->pieces[i].z_hi) {
            double y = eval_piece(&f->pieces[i], z);
            /* A falling output never exceeds its value at the end of the pieces before
             * (see the top of the file): min over j < i of piece j at its z_hi. */
            for (size_t j = 0; f->falling && j < i; j++) {
                double cap = eval_piece(&f->pieces[j], f->pieces[j].z_hi);
                if (y > cap)
                    y = cap;
            }
            *out = f->mult * y;
            return BW_OK;
        }
    }
    return BW_ERANGE; /* not reached: the pieces cover the range */
}

int bw_blast_compute(double tnt_kg, double range_m, unsigned want, struct bw_blast *out)
{
    double w3;
    int rc = BW_OK;

    memset(out, 0, sizeof *out);
    if (!positive(tnt_kg) || !positive(range_m))
        return BW_EINVAL;
    w3 = cbrt(tnt_kg);
    out->tnt_kg = tnt_kg;
    out->range_m = range_m;
    out->z = range_m / w3;
    for (int o = 0; o < BW_BLAST_NOUT; o++) {
        double v;
        if (bw_blast_scaled((enum bw_blast_output)o, out->z, &v) == BW_OK) {
            out->value[o] = fits[o].scaled ? v * w3 : v;
            out->in_range[o] = 1;
        } else if (want & BW_BLAST_BIT(o)) {
            rc = BW_ERANGE;
        }
    }
    return rc;
}

int bw_blast_incident_kpa(double tnt_kg, double range_m, double *kpa)
{
    *kpa = 0;
    if (!positive(tnt_kg) || !positive(range_m))
        return BW_EINVAL;
    return bw_blast_scaled(BW_BLAST_P_INC, range_m / cbrt(tnt_kg), kpa);
}

int bw_blast_range_for_incident(double tnt_kg, double kpa, double *range_m)
{
    double zlo, zhi, plo, phi, a, b;

    *range_m = 0;
    if (!positive(tnt_kg) || !positive(kpa))
        return BW_EINVAL;
    bw_blast_fit_range(BW_BLAST_P_INC, &zlo, &zhi);
    bw_blast_scaled(BW_BLAST_P_INC, zlo, &plo); /* the highest pressure of the fit */
    bw_blast_scaled(BW_BLAST_P_INC, zhi, &phi); /* the lowest */
    if (kpa > plo || kpa < phi)
        return BW_ERANGE;
    /* Invariant: P(e^a) ≥ kpa ≥ P(e^b). */
    a = log(zlo);
    b = log(zhi);
    for (int i = 0; i < 200 && b - a > 1e-13; i++) {
        double m = 0.5 * (a + b), p;
        bw_blast_scaled(BW_BLAST_P_INC, exp(m), &p);
        if (p >= kpa)
            a = m;
        else
            b = m;
    }
    *range_m = exp(0.5 * (a + b)) * cbrt(tnt_kg);
    return BW_OK;
}

int bw_blast_radii(double tnt_kg, const double *kpa, size_t n, struct bw_blast_radius *radii)
{
    if (!positive(tnt_kg))
        return BW_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!positive(kpa[i]))
            return BW_EINVAL;
    for (size_t i = 0; i < n; i++) {
        radii[i].kpa = kpa[i];
        radii[i].rc = bw_blast_range_for_incident(tnt_kg, kpa[i], &radii[i].range_m);
    }
    return BW_OK;
}

int bw_blast_human_radii(double tnt_kg, struct bw_blast_human *out)
{
    const double kpa[7] = {BW_BLAST_EARDRUM_KPA,     BW_BLAST_LUNG_KPA,
                           BW_BLAST_LD50_KPA,        BW_BLAST_FATAL1_LOW_KPA,
                           BW_BLAST_FATAL1_HIGH_KPA, BW_BLAST_FATAL99_LOW_KPA,
                           BW_BLAST_FATAL99_HIGH_KPA};
    struct bw_blast_radius r[7];
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = bw_blast_radii(tnt_kg, kpa, 7, r)))
        return rc;
    out->eardrum = r[0];
    out->lung = r[1];
    out->ld50 = r[2];
    out->fatal1_far = r[3];
    out->fatal1_near = r[4];
    out->fatal99_far = r[5];
    out->fatal99_near = r[6];
    return BW_OK;
}

/* ---- crowds ------------------------------------------------------------------------ */

int bw_crowd_present(double capacity, double occupancy, double *people)
{
    *people = 0;
    if (!nonneg(capacity) || !nonneg(occupancy) || occupancy > 1)
        return BW_EINVAL;
    *people = capacity * occupancy;
    return BW_OK;
}

char bw_fruin_los(double density)
{
    /* Fruin (1971) walkway LOS by area per person, ft²: A ≥ 35, B ≥ 25, C ≥ 15,
     * D ≥ 10, E ≥ 5, F below (methodology.md §2.6). */
    static const double ft2[5] = {35, 25, 15, 10, 5};
    double area_ft2;

    if (isnan(density) || density < 0)
        return 0;
    if (density == 0)
        return 'A';
    area_ft2 = 1.0 / (density * 0.09290304);
    for (int i = 0; i < 5; i++)
        if (area_ft2 >= ft2[i])
            return (char)('A' + i);
    return 'F';
}

int bw_crowd_in_radius(double density, double radius_m, double footprint_m2, double *people)
{
    double area;

    *people = 0;
    if (!nonneg(density) || !nonneg(radius_m) || !nonneg(footprint_m2))
        return BW_EINVAL;
    area = M_PI * radius_m * radius_m;
    if (footprint_m2 > 0 && footprint_m2 < area)
        area = footprint_m2;
    *people = density * area;
    return BW_OK;
}

/* ---- ramming ----------------------------------------------------------------------- */

double bw_kinetic_energy_j(double mass_kg, double speed_kmh)
{
    double v = speed_kmh / 3.6;
    if (!nonneg(mass_kg) || !nonneg(speed_kmh))
        return NAN;
    return 0.5 * mass_kg * v * v;
}

int bw_ramming_check(const struct bw_barrier_rating *b, double mass_kg, double speed_kmh,
                     double standoff_m, struct bw_ramming *out)
{
    memset(out, 0, sizeof *out);
    if (!b || !positive(b->mass_kg) || !positive(b->speed_kmh) || !nonneg(b->penetration_m) ||
        !positive(mass_kg) || !positive(speed_kmh) || !nonneg(standoff_m))
        return BW_EINVAL;
    out->threat_energy_j = bw_kinetic_energy_j(mass_kg, speed_kmh);
    out->rating_energy_j = bw_kinetic_energy_j(b->mass_kg, b->speed_kmh);
    out->energy_ok = out->rating_energy_j >= out->threat_energy_j;
    out->mass_ok = b->mass_kg >= mass_kg;
    out->penetration_ok = b->penetration_m <= standoff_m;
    out->stopped = out->energy_ok && out->mass_ok && out->penetration_ok;
    return BW_OK;
}

int bw_ramming_exposed(double density, double length_m, double width_m, double *people)
{
    *people = 0;
    if (!nonneg(density) || !nonneg(length_m) || !nonneg(width_m))
        return BW_EINVAL;
    *people = density * length_m * width_m;
    return BW_OK;
}

/* ---- firearms ---------------------------------------------------------------------- */

int bw_response_time_min(double distance_m, const struct bw_response_model *m,
                         double *minutes)
{
    *minutes = 0;
    if (!m || !nonneg(distance_m) || !nonneg(m->dispatch_min) || !positive(m->speed_kmh) ||
        !isfinite(m->road_factor) || m->road_factor < 1)
        return BW_EINVAL;
    *minutes = m->dispatch_min + distance_m / 1000.0 * m->road_factor / m->speed_kmh * 60.0;
    return BW_OK;
}

int bw_firearms_exposed(double people_present, double rate_per_min, double minutes,
                        double *people)
{
    double n;

    *people = 0;
    if (!nonneg(people_present) || !nonneg(rate_per_min) || !nonneg(minutes))
        return BW_EINVAL;
    n = rate_per_min * minutes;
    *people = n < people_present ? n : people_present;
    return BW_OK;
}

/* ---- unmanned aircraft ------------------------------------------------------------- */

int bw_rf_detection_range_m(double eirp_dbm, double sensitivity_dbm, double rx_gain_dbi,
                            double margin_db, double freq_mhz, double *range_m)
{
    double loss_db;

    *range_m = 0;
    if (!isfinite(eirp_dbm) || !isfinite(sensitivity_dbm) || !isfinite(rx_gain_dbi) ||
        !nonneg(margin_db) || !positive(freq_mhz))
        return BW_EINVAL;
    /* Allowed free-space path loss, then FSPL(dB) = 20 log10 d_km + 20 log10 f_MHz + 32.44. */
    loss_db = eirp_dbm + rx_gain_dbi - sensitivity_dbm - margin_db;
    *range_m = 1000.0 * pow(10.0, (loss_db - 32.44 - 20.0 * log10(freq_mhz)) / 20.0);
    return BW_OK;
}

int bw_uas_warning_s(double detection_range_m, double standoff_m, double speed_ms,
                     double *seconds)
{
    *seconds = 0;
    if (!nonneg(detection_range_m) || !nonneg(standoff_m) || !positive(speed_ms))
        return BW_EINVAL;
    if (detection_range_m > standoff_m)
        *seconds = (detection_range_m - standoff_m) / speed_ms;
    return BW_OK;
}

int bw_uas_reaches(double launch_distance_m, double uas_range_m)
{
    if (!nonneg(launch_distance_m) || !nonneg(uas_range_m))
        return BW_EINVAL;
    return launch_distance_m <= uas_range_m;
}
