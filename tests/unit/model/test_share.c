/*
 * test_share.c — TLP markings, the warning life cycle rules and the vocabularies
 * (share.h).
 *
 * The life cycle is checked exhaustively: every state × step × role × (actor is the
 * drafter or not) × (national or local) against the rule book of docs/sharing.md,
 * written out below as a table of the allowed (step, state) pairs plus its two
 * exceptions (a second person approves; a national warning is issued only once
 * approved), independently of how share.c is written.
 */
#include "unit.h"

#include "share.h"
#include "user.h"

/* allowed[step][state]: the rule book's table for an authority user, before the
 * second-person and national-approval exceptions. */
static const int allowed[BW_WSTEP_COUNT][BW_WARN_STATUS_COUNT] = {
    /*                 draft approved issued cancelled */
    [BW_WSTEP_DRAFT] = {1, 1, 1, 1}, /* drafting makes a new warning: any state */
    [BW_WSTEP_EDIT] = {1, 1, 0, 0},
    [BW_WSTEP_APPROVE] = {1, 0, 0, 0},
    [BW_WSTEP_ISSUE] = {1, 1, 0, 0},
    [BW_WSTEP_UPDATE] = {0, 0, 1, 0},
    [BW_WSTEP_CANCEL] = {1, 1, 1, 0},
};

static int expected(int step, int status, int role, int is_drafter, int national)
{
    int authority = role == -1 || role == BW_ROLE_ADMIN || role == BW_ROLE_ANALYST;
    if (!authority || !allowed[step][status])
        return 0;
    if (step == BW_WSTEP_APPROVE && is_drafter)
        return 0;
    if (step == BW_WSTEP_ISSUE && status == BW_WARN_DRAFT && national)
        return 0;
    return 1;
}

static void test_life_cycle_exhaustive(void **state)
{
    int checked = 0;
    (void)state;
    for (int step = 0; step < BW_WSTEP_COUNT; step++)
        for (int st = 0; st < BW_WARN_STATUS_COUNT; st++)
            for (int role = -1; role < BW_ROLE_COUNT; role++)
                for (int drafter = 0; drafter < 2; drafter++)
                    for (int national = 0; national < 2; national++) {
                        struct bw_warning_step_ctx c = {st, national, "ana",
                                                        drafter ? "ana" : "bob", role};
                        struct bw_diag d;
                        int rc, want = expected(step, st, role, drafter, national);
                        bw_diag_clear(&d);
                        rc = bw_warning_step_check(step, &c, &d);
                        if ((rc == BW_OK) != want)
                            fail_msg("step %s from %s by role %d (drafter %d, national %d): "
                                     "got %s (%s), expected %s",
                                     bw_warning_action_name(step), bw_warning_status_name(st),
                                     role, drafter, national, rc ? "refused" : "allowed", d.msg,
                                     want ? "allowed" : "refused");
                        /* A refusal says why, and its code tells who is at fault: the
                         * caller (role, second person) or the warning's state. */
                        if (rc) {
                            int who = !(role == -1 || role == BW_ROLE_ADMIN ||
                                        role == BW_ROLE_ANALYST) ||
                                      (step == BW_WSTEP_APPROVE && drafter &&
                                       allowed[step][st]);
                            assert_true(d.msg[0] != '\0');
                            assert_int_equal(rc, who ? BW_EDENIED : BW_ESTATE);
                        }
                        checked++;
                    }
    assert_int_equal(checked, BW_WSTEP_COUNT * BW_WARN_STATUS_COUNT * (BW_ROLE_COUNT + 1) * 4);
}

static void test_refusals_name_the_reason(void **state)
{
    struct bw_warning_step_ctx c = {BW_WARN_DRAFT, 1, "ana", "ana", BW_ROLE_ANALYST};
    struct bw_diag d;
    (void)state;

    bw_diag_clear(&d);
    assert_int_equal(bw_warning_step_check(BW_WSTEP_APPROVE, &c, &d), BW_EDENIED);
    assert_string_equal(d.field, "approver");
    assert_non_null(strstr(d.msg, "second person"));
    c.actor = "bob";
    bw_diag_clear(&d);
    assert_int_equal(bw_warning_step_check(BW_WSTEP_ISSUE, &c, &d), BW_ESTATE);
    assert_string_equal(d.field, "status");
    assert_non_null(strstr(d.msg, "approved"));
    c.actor_role = BW_ROLE_OPERATOR;
    bw_diag_clear(&d);
    assert_int_equal(bw_warning_step_check(BW_WSTEP_DRAFT, &c, &d), BW_EDENIED);
    assert_string_equal(d.field, "role");
}

static void test_next_status(void **state)
{
    (void)state;
    assert_int_equal(bw_warning_next_status(BW_WSTEP_EDIT, BW_WARN_APPROVED), BW_WARN_DRAFT);
    assert_int_equal(bw_warning_next_status(BW_WSTEP_APPROVE, BW_WARN_DRAFT), BW_WARN_APPROVED);
    assert_int_equal(bw_warning_next_status(BW_WSTEP_ISSUE, BW_WARN_APPROVED), BW_WARN_ISSUED);
    assert_int_equal(bw_warning_next_status(BW_WSTEP_UPDATE, BW_WARN_ISSUED), BW_WARN_ISSUED);
    assert_int_equal(bw_warning_next_status(BW_WSTEP_CANCEL, BW_WARN_ISSUED),
                     BW_WARN_CANCELLED);
}

static void test_tlp(void **state)
{
    /* FIRST TLP 2.0's five labels, in order of restriction; "TLP:" prefix accepted;
     * TLP 1.0's WHITE and lower-case spellings are not labels of 2.0. */
    static const char *const names[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
    struct bw_diag d;
    int t = -1;
    (void)state;

    for (int i = 0; i < BW_TLP_COUNT; i++) {
        char pre[32];
        assert_string_equal(bw_tlp_name(i), names[i]);
        assert_int_equal(bw_tlp_parse(names[i], NULL, NULL, &t), BW_OK);
        assert_int_equal(t, i);
        snprintf(pre, sizeof pre, "TLP:%s", names[i]);
        assert_int_equal(bw_tlp_parse(pre, NULL, NULL, &t), BW_OK);
        assert_int_equal(t, i);
        assert_int_equal(bw_tlp_audited(i), i >= 2);
    }
    bw_diag_clear(&d);
    assert_int_equal(bw_tlp_parse("WHITE", "tlp", &d, &t), BW_EINVAL);
    assert_string_equal(d.field, "tlp");
    assert_non_null(strstr(d.msg, "AMBER+STRICT"));
    assert_int_equal(bw_tlp_parse("amber", NULL, NULL, &t), BW_EINVAL);
    assert_int_equal(bw_tlp_parse(NULL, NULL, NULL, &t), BW_EINVAL);
    assert_string_equal(bw_tlp_name(7), "?");
}

static void test_vocabularies(void **state)
{
    int v = -1;
    (void)state;
    assert_int_equal(bw_ack_status_parse("not-concerned", NULL, &v), BW_OK);
    assert_int_equal(v, BW_ACK_NOT_CONCERNED);
    assert_int_equal(bw_ack_status_parse("ok", NULL, &v), BW_EINVAL);
    assert_int_equal(bw_report_type_parse("hostile-reconnaissance", NULL, &v), BW_OK);
    assert_int_equal(v, BW_REPORT_RECON);
    assert_int_equal(bw_report_type_parse("drone", NULL, &v), BW_EINVAL);
    assert_int_equal(bw_triage_parse("warning", NULL, &v), BW_OK);
    assert_int_equal(v, BW_TRIAGE_WARNING);
    assert_int_equal(bw_warning_status_parse("issued", NULL, &v), BW_OK);
    assert_int_equal(v, BW_WARN_ISSUED);
    for (int i = 0; i < BW_REPORT_COUNT; i++)
        assert_int_equal(bw_report_type_parse(bw_report_type_name(i), NULL, &v), BW_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_life_cycle_exhaustive),
        cmocka_unit_test(test_refusals_name_the_reason),
        cmocka_unit_test(test_next_status),
        cmocka_unit_test(test_tlp),
        cmocka_unit_test(test_vocabularies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
