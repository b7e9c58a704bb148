/*
 * test_carver_sheet.c — CARVER + Shock workshop sheets (src/formats/carver_sheet.c):
 * the worked example of methodology.md §1.3 read from CSV (CRLF, a blank line, spaces
 * around numbers), with and without Shock, quoted names, and every malformed sheet: a
 * score out of range or not a number (line and column named), a short record, a wrong
 * header, too many targets, an unterminated quote, an empty sheet.
 */
#include "unit.h"

#include "arena.h"
#include "carver_sheet.h"

static void test_csv(void **state)
{
    static const char sheet[] = "target,C,A,R,V,E,R2\r\n"
                                "fuel tanks,8,9,3,8,5,6\r\n"
                                "fuel pumps,8,6,2,10,5,3\n"
                                "\n"
                                "boilers,6,2,10,4,5,4\n"
                                "turbines, 8,6,10,7,5,9\n"
                                "generators,4,6,10,7,5,9";
    struct bw_carver_target t[8];
    size_t n = 0, order[8];
    int shock = -1;
    struct bw_diag d;
    struct bw_arena a;
    (void)state;

    bw_arena_init(&a, 1024);
    bw_diag_clear(&d);
    assert_int_equal(bw_carver_sheet_read(sheet, strlen(sheet), &a, t, 8, &n, &shock, &d), BW_OK);
    assert_int_equal(n, 5);
    assert_int_equal(shock, 0);
    assert_int_equal(t[3].name_len, 8);
    assert_memory_equal(t[3].name, "turbines", 8);
    assert_int_equal(t[3].total, 45);
    bw_carver_rank(t, n, order);
    assert_int_equal(order[0], 3);

    {
        static const char s2[] = "target,C,A,R,V,E,R2,Shock\nport,5,5,5,5,5,5,10\n";
        assert_int_equal(bw_carver_sheet_read(s2, strlen(s2), &a, t, 8, &n, &shock, &d), BW_OK);
        assert_int_equal(shock, 1);
        assert_int_equal(t[0].total, 40);
    }
    {
        static const char bad[] = "target,C,A,R,V,E,R2,Shock\nport,5,5,5,5,5,5,10\n"
                                  "dam,5,5,5,0,5,5,5\n";
        bw_diag_clear(&d);
        assert_int_equal(bw_carver_sheet_read(bad, strlen(bad), &a, t, 8, &n, &shock, &d), BW_ERANGE);
        assert_int_equal(d.line, 3);
        assert_string_equal(d.field, "vulnerability");
        assert_string_equal(d.msg, "target 'dam': vulnerability score 0 is outside 1..10");
    }
    {
        static const char bad[] = "target,C,A,R,V,E,R2\ndam,5,5,5,x,5,5\n";
        bw_diag_clear(&d);
        assert_int_equal(bw_carver_sheet_read(bad, strlen(bad), &a, t, 8, &n, &shock, &d), BW_EPARSE);
        assert_int_equal(d.line, 2);
        assert_string_equal(d.field, "V");
    }
    {
        static const char bad[] = "target,C,A,R,V,E,R2\ndam,5,5,5,5,5\n";
        bw_diag_clear(&d);
        assert_int_equal(bw_carver_sheet_read(bad, strlen(bad), &a, t, 8, &n, &shock, &d), BW_EPARSE);
        assert_string_equal(d.msg, "6 columns, the header has 7");
    }
    {
        static const char bad[] = "name,C,A,R,V,E,R2\n";
        bw_diag_clear(&d);
        assert_int_equal(bw_carver_sheet_read(bad, strlen(bad), &a, t, 8, &n, &shock, &d), BW_EPARSE);
        assert_int_equal(d.line, 1);
    }
    {
        static const char many[] = "target,C,A,R,V,E,R2\na,1,1,1,1,1,1\nb,1,1,1,1,1,1\n";
        bw_diag_clear(&d);
        assert_int_equal(bw_carver_sheet_read(many, strlen(many), &a, t, 1, &n, &shock, &d),
                         BW_ETOOBIG);
    }
    {
        /* Quoted names (RFC 4180) and a Shock column; a name with a comma. */
        static const char q[] = "target,C,A,R,V,E,R2,Shock\n\"dam, upper\",9,2,8,6,7,9,10\n";
        bw_diag_clear(&d);
        assert_int_equal(bw_carver_sheet_read(q, strlen(q), &a, t, 8, &n, &shock, &d), BW_OK);
        assert_int_equal(n, 1);
        assert_int_equal(t[0].name_len, 10);
        assert_memory_equal(t[0].name, "dam, upper", 10);
        assert_int_equal(t[0].total, 51);
    }
    {
        /* An unterminated quote is a syntax error naming the line. */
        static const char bad[] = "target,C,A,R,V,E,R2\n\"dam,5,5,5,5,5,5\n";
        bw_diag_clear(&d);
        assert_int_equal(bw_carver_sheet_read(bad, strlen(bad), &a, t, 8, &n, &shock, &d),
                         BW_EPARSE);
        assert_int_equal(d.line, 2);
    }
    {
        static const char empty[] = "";
        bw_diag_clear(&d);
        assert_int_equal(bw_carver_sheet_read(empty, 0, &a, t, 8, &n, &shock, &d), BW_EPARSE);
        assert_string_equal(d.msg, "empty sheet: no header");
    }
    bw_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
