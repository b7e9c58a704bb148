/*
 * test_org.c — validating organisations and their roles at sites against the default
 * pack: types, sectors, phases, contact details; rendering back to values.
 */
#include "unit.h"

#include "arena.h"
#include "limits.h"
#include "org.h"

static bw_pack *pack;

static int setup(void **state)
{
    (void)state;
    pack = unit_default_pack();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bw_pack_free(pack);
    return 0;
}

static int org_from(const char *const *pairs, struct bw_arena *a, struct bw_diag *d,
                    struct bw_org *o)
{
    struct unit_record u;
    bw_diag_clear(d);
    return bw_org_from_record(pack, unit_record(&u, pairs), a, d, o);
}

static int role_from(const char *const *pairs, struct bw_arena *a, struct bw_diag *d,
                     struct bw_role *r)
{
    struct unit_record u;
    bw_diag_clear(d);
    return bw_role_from_record(pack, unit_record(&u, pairs), a, d, r);
}

static void check_diag(int rc, const struct bw_diag *d, int code, const char *field,
                       const char *part)
{
    char msg[1024];
    if (rc != code || d->code != code || strcmp(d->field, field) != 0 || !strstr(d->msg, part)) {
        print_error("rc %d (want %d), diag '%s' (want field '%s' and '%s')\n", rc, code,
                    bw_diag_format(d, msg, sizeof msg), field, part);
        fail();
    }
}

static void bad_org(const char *const *pairs, int code, const char *field, const char *part)
{
    struct bw_arena a;
    struct bw_diag d;
    struct bw_org o;

    bw_arena_init(&a, 0);
    check_diag(org_from(pairs, &a, &d, &o), &d, code, field, part);
    bw_arena_release(&a);
}

static void bad_role(const char *const *pairs, int code, const char *field, const char *part)
{
    struct bw_arena a;
    struct bw_diag d;
    struct bw_role r;

    bw_arena_init(&a, 0);
    check_diag(role_from(pairs, &a, &d, &r), &d, code, field, part);
    bw_arena_release(&a);
}

static void test_org_valid(void **state)
{
    (void)state;
    const char *const p[] = {"id",
                             "mod",
                             "name",
                             "Ministry of the Interior",
                             "type",
                             "authority",
                             "mandate",
                             "Protective security\tpolicy",
                             "sectors",
                             "energy; hospital ;energy.gas",
                             "regions",
                             "North;South",
                             "contact_name",
                             "Duty officer",
                             "contact_phone",
                             "+1 555 0100",
                             "contact_email",
                             "duty@example.org",
                             NULL};
    const char *const minimal[] = {"id", "o", "name", "n", "type", "operator", NULL};
    struct bw_arena a;
    struct bw_diag d;
    struct bw_org o;

    bw_arena_init(&a, 0);
    assert_int_equal(org_from(p, &a, &d, &o), BW_OK);
    assert_string_equal(o.id, "mod");
    assert_string_equal(o.type, "authority");
    assert_string_equal(o.mandate, "Protective security\tpolicy");
    assert_string_equal(o.sectors, "energy;hospital;energy.gas");
    assert_string_equal(o.regions, "North;South");
    assert_string_equal(o.contact_email, "duty@example.org");
    assert_string_equal(o.contact_phone, "+1 555 0100");

    assert_int_equal(org_from(minimal, &a, &d, &o), BW_OK);
    assert_null(o.mandate);
    assert_null(o.sectors);
    assert_null(o.regions);
    assert_null(o.contact_email);
    bw_arena_release(&a);
}

static void test_org_rejected(void **state)
{
    (void)state;
    char phone[66];
    {
        const char *const p[] = {
            "id", "o", "name", "n", "type", "operator", "contact_email", "duty.example.org", NULL};
        bad_org(p, BW_EINVAL, "contact_email", "not an e-mail address");
    }
    {
        const char *const p[] = {"id", "o", "name", "n", "type", "ministry", NULL};
        bad_org(p, BW_EREF, "type", "unknown organisation type 'ministry'");
    }
    {
        const char *const p[] = {"id", "o", "name", "n", NULL};
        bad_org(p, BW_EINVAL, "type", "required");
    }
    {
        const char *const p[] = {"id",       "o",       "name",           "n", "type",
                                 "operator", "sectors", "energy;finance", NULL};
        bad_org(p, BW_EREF, "sectors", "unknown sector or category 'finance'");
    }
    {
        const char *const p[] = {"id", "o;p", "name", "n", "type", "operator", NULL};
        bad_org(p, BW_EINVAL, "id", "';'");
    }
    {
        const char *const p[] = {"id", "o", "type", "operator", NULL};
        bad_org(p, BW_EINVAL, "name", "required");
    }
    memset(phone, '1', sizeof phone - 1);
    phone[sizeof phone - 1] = '\0'; /* 65 bytes, one over the limit */
    {
        const char *const p[] = {"id",  "o", "name", "n", "type", "operator", "contact_phone",
                                 phone, NULL};
        bad_org(p, BW_ETOOBIG, "contact_phone", "longer than 64");
    }
    {
        const char *const p[] = {"id",       "o",       "name",        "n", "type",
                                 "operator", "mandate", "line\nbreak", NULL};
        bad_org(p, BW_EINVAL, "mandate", "control character");
    }
    {
        const char *const p[] = {"id",       "o",       "name",      "n", "type",
                                 "operator", "regions", "\xFFnorth", NULL};
        bad_org(p, BW_EENCODING, "regions", "UTF-8");
    }
}

static void test_role(void **state)
{
    (void)state;
    struct bw_arena a;
    struct bw_diag d;
    struct bw_role r;

    bw_arena_init(&a, 0);
    {
        const char *const p[] = {"org",     "police",      "site",           "stadium-1", "phase",
                                 "respond", "description", "First response", NULL};
        assert_int_equal(role_from(p, &a, &d, &r), BW_OK);
        assert_string_equal(r.org, "police");
        assert_string_equal(r.site, "stadium-1");
        assert_string_equal(r.phase, "respond");
        assert_string_equal(r.description, "First response");
    }
    bw_arena_release(&a);
    {
        const char *const p[] = {"org", "police", "site", "s", "phase", "react", NULL};
        bad_role(p, BW_EREF, "phase", "unknown phase 'react'");
    }
    {
        const char *const p[] = {"org", "police", "site", "s", NULL};
        bad_role(p, BW_EINVAL, "phase", "required");
    }
    {
        const char *const p[] = {"site", "s", "phase", "protect", NULL};
        bad_role(p, BW_EINVAL, "org", "required");
    }
    {
        const char *const p[] = {"org", "police", "site", "s ", "phase", "protect", NULL};
        bad_role(p, BW_EINVAL, "site", "space");
    }
}

static void test_to_values(void **state)
{
    (void)state;
    const struct bw_org o = {.id = "o", .name = "N", .type = "operator", .sectors = "energy"};
    const struct bw_role r = {.org = "o", .site = "s", .phase = "protect"};
    struct bw_str v[16];

    assert_int_equal(bw_org_ncolumns, 9);
    assert_int_equal(bw_role_ncolumns, 4);
    assert_int_equal(bw_org_to_values(&o, NULL, v), BW_OK);
    assert_true(bw_str_eq(v[0], "o") && bw_str_eq(v[1], "N") && bw_str_eq(v[2], "operator"));
    assert_null(v[3].p);
    assert_true(bw_str_eq(v[4], "energy"));
    for (int i = 5; i < 9; i++)
        assert_null(v[i].p);
    assert_int_equal(bw_role_to_values(&r, NULL, v), BW_OK);
    assert_true(bw_str_eq(v[0], "o") && bw_str_eq(v[1], "s") && bw_str_eq(v[2], "protect"));
    assert_null(v[3].p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_org_valid),
        cmocka_unit_test(test_org_rejected),
        cmocka_unit_test(test_role),
        cmocka_unit_test(test_to_values),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
