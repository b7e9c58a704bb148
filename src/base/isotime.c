/*
 * isotime.c — ISO 8601 UTC times (isotime.h).
 *
 * The parser reads fixed-width digit fields by hand (no sscanf: it would accept signs,
 * spaces and short fields) and checks each against its range, the day against the
 * length of its month (Gregorian leap years); timegm turns the fields into seconds. The
 * formatter writes with strftime and appends the milliseconds.
 */
#include "isotime.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Reads @p n digits at @p s into *v; 0, or -1 when one is not a digit. */
static int digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

static int month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

int bw_isotime_parse(const char *s, double *secs)
{
    struct tm tm;
    int y, mo, d, h = 0, mi = 0, sec = 0;
    double frac = 0;
    const char *p;

    if (!s || strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
        s[7] != '-' || digits(s + 8, 2, &d))
        return -1;
    p = s + 10;
    if (*p == 'T') {
        if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
            return -1;
        p += 6;
        if (*p == ':') {
            if (digits(p + 1, 2, &sec))
                return -1;
            p += 3;
            if (*p == '.') {
                double scale = 0.1;
                p++;
                if (*p < '0' || *p > '9')
                    return -1;
                for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
                    frac += (*p - '0') * scale;
            }
        }
    }
    if (*p == 'Z')
        p++;
    if (*p || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 ||
        mi > 59 || sec > 59)
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *secs = (double)timegm(&tm) + frac;
    return 0;
}

void bw_isotime_format(double secs, char out[BW_ISOTIME_SIZE])
{
    time_t s = (time_t)floor(secs);
    int ms = (int)floor((secs - (double)s) * 1000.0 + 0.5);
    struct tm tm;

    if (ms >= 1000) {
        s++;
        ms -= 1000;
    }
    gmtime_r(&s, &tm);
    /* strftime bounds every field, so the milliseconds always fit after it. */
    strftime(out, 24, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + strlen(out), 8, ".%03dZ", ms % 1000);
}

double bw_isotime_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000000) / 1000.0;
}
