/*
 * test_csv.c — the strict RFC 4180 reader and the field writer.
 *
 * Accepted: quoted fields with commas, "" escapes and embedded newlines (with each
 * record's starting line number right), CRLF and LF, a byte-order mark, blank lines.
 * Refused with the line: a quote inside a raw field, text after a closing quote, a
 * file ending inside quotes, a bare CR, a field over BW_CSV_FIELD_MAX, a record over
 * BW_CSV_RECORD_MAX, more than BW_CSV_COLUMNS_MAX columns. The writer quotes exactly
 * when needed, and what it writes reads back unchanged.
 */
#include "unit.h"

#include "buf.h"
#include "csv.h"
#include "limits.h"

/*
 * Reads every record of @p in into text "L<line>:[f1][f2]...\n" (a new string, free with
 * free()). Returns the reader's final code: 0 at a clean end, or the error (with *d).
 */
static char *dump_n(const char *in, size_t n, int *rc, struct bw_diag *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    bw_csv *r = NULL;
    struct bw_str *fields;
    size_t nf;
    uint64_t line;

    bw_diag_clear(d);
    assert_int_equal(bw_csv_open(in, n, &r), BW_OK);
    while ((*rc = bw_csv_next(r, &fields, &nf, &line, d)) == 1) {
        fprintf(f, "L%llu:", (unsigned long long)line);
        for (size_t i = 0; i < nf; i++) {
            fputc('[', f);
            fwrite(fields[i].p, 1, fields[i].n, f);
            fputc(']', f);
        }
        fputc('\n', f);
    }
    if (*rc == 0)
        assert_int_equal(bw_csv_offset(r), n);
    bw_csv_free(r);
    fclose(f);
    return text;
}

static void expect_records(const char *in, const char *want)
{
    struct bw_diag d;
    char msg[1024];
    int rc;
    char *got = dump_n(in, strlen(in), &rc, &d);

    if (rc != 0) {
        print_error("input '%s': error %d: %s\n", in, rc, bw_diag_format(&d, msg, sizeof msg));
        fail();
    }
    assert_string_equal(got, want);
    free(got);
}

static void expect_error_n(const char *in, size_t n, int code, uint64_t line, const char *part)
{
    struct bw_diag d;
    char msg[1024];
    int rc;
    char *got = dump_n(in, n, &rc, &d);

    if (rc != code || d.code != code || d.line != line || !strstr(d.msg, part)) {
        print_error("input '%.60s': rc %d (want %d), diag '%s' (want line %llu, '%s')\n", in, rc,
                    code, bw_diag_format(&d, msg, sizeof msg), (unsigned long long)line, part);
        fail();
    }
    free(got);
}

#define expect_error(in, code, line, part) expect_error_n((in), strlen(in), (code), (line), (part))

static void test_basic(void **state)
{
    (void)state;
    expect_records("a,b,c\n1,2,3\n", "L1:[a][b][c]\nL2:[1][2][3]\n");
    expect_records("a,b\n1,2", "L1:[a][b]\nL2:[1][2]\n"); /* no final newline */
    expect_records("a,,b\n,\n", "L1:[a][][b]\nL2:[][]\n");
    expect_records(" a , b \n", "L1:[ a ][ b ]\n"); /* raw spaces are data */
    expect_records("a,b,\n", "L1:[a][b][]\n");      /* trailing comma: an empty field */
    expect_records("a,", "L1:[a][]\n");             /* also at the end of the file */
    expect_records("x\ty,caf\xC3\xA9\n", "L1:[x\ty][caf\xC3\xA9]\n");
    expect_records("", "");
}

static void test_quoted(void **state)
{
    (void)state;
    expect_records("\"a,b\",c\n", "L1:[a,b][c]\n");
    expect_records("\"say \"\"hi\"\"\",x\n", "L1:[say \"hi\"][x]\n");
    expect_records("\"\",\"\"\"\",\"\"\"\"\"\"\n", "L1:[][\"][\"\"]\n");
    expect_records("\"only\"", "L1:[only]\n");
    expect_records("\"\"", "L1:[]\n");
    expect_records("a,\"b\"\r\n", "L1:[a][b]\n");
    /* Quoted fields keep everything, commas, CR and LF included. */
    expect_records("\"x\r\ny\",\"a,\rb\"\n", "L1:[x\r\ny][a,\rb]\n");
    /* Many quoted fields in one record stay intact (one shared buffer, fixed up last). */
    {
        char in[4096], want[8192];
        size_t off = 0, woff = 0;
        for (int i = 0; i < 200; i++) {
            off += (size_t)snprintf(in + off, sizeof in - off, "%s\"q%d,\"\"%d\"\"\"", i ? "," : "",
                                    i, i);
            woff += (size_t)snprintf(want + woff, sizeof want - woff, "%s[q%d,\"%d\"]",
                                     i ? "" : "L1:", i, i);
        }
        snprintf(in + off, sizeof in - off, "\n");
        snprintf(want + woff, sizeof want - woff, "\n");
        expect_records(in, want);
    }
}

static void test_lines(void **state)
{
    (void)state;
    /* A record starting line is its first physical line, embedded newlines counted. */
    expect_records("h1,h2\n\"multi\nline\",x\nnext,y\n",
                   "L1:[h1][h2]\nL2:[multi\nline][x]\nL4:[next][y]\n");
    expect_records("h\n\"a\n\nb\n\"\nz\n", "L1:[h]\nL2:[a\n\nb\n]\nL6:[z]\n");
    /* CRLF everywhere, and CRLF inside quotes. */
    expect_records("a,b\r\n\"c\r\nd\",e\r\nf,g\r\n", "L1:[a][b]\nL2:[c\r\nd][e]\nL4:[f][g]\n");
    /* Blank lines (LF or CRLF) are skipped but counted. */
    expect_records("\n\na\n\n\r\n\nb\n\n", "L3:[a]\nL7:[b]\n");
    /* A byte-order mark is not part of the first field. */
    expect_records("\xEF\xBB\xBFid,name\n1,x\n", "L1:[id][name]\nL2:[1][x]\n");
    expect_records("\xEF\xBB\xBF", "");
    expect_records("\xEF\xBB\xBF\"q\"\n", "L1:[q]\n");
    /* Only a leading BOM is special. */
    expect_records("a\n\xEF\xBB\xBF\n", "L1:[a]\nL2:[\xEF\xBB\xBF]\n");
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("a,b\"c\n", BW_EPARSE, 1, "quote inside unquoted field 2");
    expect_error("ok\nx\"y\n", BW_EPARSE, 2, "quote inside unquoted field 1");
    expect_error("\"a\"b,c\n", BW_EPARSE, 1, "text after the closing quote of field 1");
    expect_error("h\n\"x\ny\" z\n", BW_EPARSE, 3, "text after the closing quote");
    expect_error("a,\"bc\n", BW_EPARSE, 1, "never ends");
    expect_error("h\nr\n\"open\nmore\nstill", BW_EPARSE, 3, "never ends");
    expect_error("\"", BW_EPARSE, 1, "never ends");
    expect_error("\"a\"\"", BW_EPARSE, 1, "never ends"); /* the last quote is an escape */
    expect_error("a\rb\n", BW_EPARSE, 1, "bare carriage return");
    expect_error("a,b\r", BW_EPARSE, 1, "bare carriage return");
    expect_error("a\n\r\n\rb\n", BW_EPARSE, 3, "bare carriage return");
    expect_error("\"a\"\rb\n", BW_EPARSE, 1, "text after the closing quote");
    /* A truncated file: the bytes stop inside a quoted field. */
    {
        const char *full = "id,name\n1,\"Central Station\"\n";
        expect_error_n(full, strlen(full) - 3, BW_EPARSE, 2, "file truncated");
    }
}

static void test_field_limit(void **state)
{
    (void)state;
    const size_t max = BW_CSV_FIELD_MAX;
    char *in = malloc(max + 16);
    struct bw_diag d;
    int rc;
    char *got;

    assert_non_null(in);
    /* Exactly the limit, raw: fine. One more: refused, on the right line. */
    memcpy(in, "h\n", 2);
    memset(in + 2, 'x', max);
    got = dump_n(in, max + 2, &rc, &d);
    assert_int_equal(rc, 0);
    free(got);
    memset(in + 2, 'x', max + 1);
    expect_error_n(in, max + 3, BW_ETOOBIG, 2, "longer than");

    /* Quoted: the limit applies to the unquoted text. */
    in[2] = '"';
    memset(in + 3, 'y', max);
    in[3 + max] = '"';
    got = dump_n(in, max + 4, &rc, &d);
    assert_int_equal(rc, 0);
    free(got);
    memset(in + 3, 'y', max + 1);
    in[4 + max] = '"';
    expect_error_n(in, max + 5, BW_ETOOBIG, 2, "longer than");
    /* max - 1 bytes and an escaped quote: max bytes unquoted, though max + 1 raw. */
    memset(in + 3, 'y', max - 1);
    memcpy(in + 2 + max, "\"\"\"", 3);
    got = dump_n(in, max + 5, &rc, &d);
    assert_int_equal(rc, 0);
    free(got);
    /* max bytes and an escaped quote: max + 1 unquoted. */
    memset(in + 3, 'y', max);
    memcpy(in + 3 + max, "\"\"\"", 3);
    expect_error_n(in, max + 6, BW_ETOOBIG, 2, "longer than");
    free(in);
}

static void test_record_limit(void **state)
{
    (void)state;
    /* Five fields of 1 MiB - 1 each: every field fits, the record (over 4 MiB) does not. */
    const size_t fl = BW_CSV_FIELD_MAX - 1, nfields = 5;
    size_t n = nfields * (fl + 1);
    char *in = malloc(n);

    assert_non_null(in);
    for (size_t i = 0; i < nfields; i++) {
        memset(in + i * (fl + 1), 'r', fl);
        in[i * (fl + 1) + fl] = i + 1 < nfields ? ',' : '\n';
    }
    expect_error_n(in, n, BW_ETOOBIG, 1, "record is longer");
    /* The same, quoted. */
    n = nfields * (fl + 3);
    in = realloc(in, n);
    assert_non_null(in);
    for (size_t i = 0; i < nfields; i++) {
        char *f = in + i * (fl + 3);
        f[0] = '"';
        memset(f + 1, 'q', fl);
        f[fl + 1] = '"';
        f[fl + 2] = i + 1 < nfields ? ',' : '\n';
    }
    expect_error_n(in, n, BW_ETOOBIG, 1, "record");
    free(in);
}

/* A record of @p nf one-letter fields, then @p tail. */
static char *many_fields(size_t nf, const char *tail)
{
    char *in = malloc(2 * nf + strlen(tail) + 1);
    size_t off = 0;

    assert_non_null(in);
    for (size_t i = 0; i < nf; i++) {
        if (i)
            in[off++] = ',';
        in[off++] = 'c';
    }
    memcpy(in + off, tail, strlen(tail) + 1);
    return in;
}

static void test_column_limit(void **state)
{
    (void)state;
    struct bw_diag d;
    char *in, *got;
    int rc;

    in = many_fields(BW_CSV_COLUMNS_MAX, "\nx\n");
    got = dump_n(in, strlen(in), &rc, &d);
    assert_int_equal(rc, 0);
    free(got);
    free(in);
    in = many_fields(BW_CSV_COLUMNS_MAX + 1, "\n");
    expect_error(in, BW_ETOOBIG, 1, "more than 256 fields");
    free(in);
    /* The extra column may be the empty one after a trailing comma, at the end of a
     * line or at the very end of the file. */
    in = many_fields(BW_CSV_COLUMNS_MAX, ",\n");
    expect_error(in, BW_ETOOBIG, 1, "more than 256 fields");
    free(in);
    in = many_fields(BW_CSV_COLUMNS_MAX, ",");
    expect_error(in, BW_ETOOBIG, 1, "more than 256 fields");
    free(in);
    in = many_fields(BW_CSV_COLUMNS_MAX - 1, ",");
    got = dump_n(in, strlen(in), &rc, &d);
    assert_int_equal(rc, 0);
    free(got);
    free(in);
}

static void put(const char *v, const char *want)
{
    struct bw_buf b;
    bw_buf_init(&b, 1024);
    assert_int_equal(bw_csv_put_field(&b, bw_str_c(v)), BW_OK);
    assert_string_equal(bw_buf_cstr(&b), want);
    bw_buf_release(&b);
}

static void test_put_field(void **state)
{
    (void)state;
    put("plain", "plain");
    put("", "");
    put("a,b", "\"a,b\"");
    put("say \"hi\"", "\"say \"\"hi\"\"\"");
    put("\"", "\"\"\"\"");
    put("line\nbreak", "\"line\nbreak\"");
    put("cr\r", "\"cr\r\"");
    put(" lead", "\" lead\"");
    put("trail ", "\"trail \"");
    put("in side", "in side");
    put("\ttab", "\ttab");
    put("caf\xC3\xA9", "caf\xC3\xA9");
    /* The ceiling of the buffer is honoured. */
    {
        struct bw_buf b;
        bw_buf_init(&b, 4);
        assert_int_equal(bw_csv_put_field(&b, bw_str_c("a,b")), BW_ETOOBIG);
        bw_buf_release(&b);
    }
}

static void test_write_read_round_trip(void **state)
{
    (void)state;
    static const char alphabet[] = {'a', 'b', ' ', ',', '"', '\r', '\n', '\t', 'z'};
    uint64_t rng = 4180;

    for (int rec = 0; rec < 2000; rec++) {
        char vals[8][12];
        size_t nf = 2 + unit_rand(&rng) % 6;
        struct bw_buf b;
        bw_csv *r;
        struct bw_str *fields;
        size_t got;
        uint64_t line;
        struct bw_diag d;

        bw_buf_init(&b, 4096);
        for (size_t i = 0; i < nf; i++) {
            size_t len = unit_rand(&rng) % 11;
            for (size_t k = 0; k < len; k++)
                vals[i][k] = alphabet[unit_rand(&rng) % sizeof alphabet];
            vals[i][len] = '\0';
            if (i)
                assert_int_equal(bw_buf_putc(&b, ','), BW_OK);
            assert_int_equal(bw_csv_put_field(&b, bw_str_c(vals[i])), BW_OK);
        }
        assert_int_equal(bw_buf_puts(&b, "\r\n"), BW_OK);
        bw_diag_clear(&d);
        assert_int_equal(bw_csv_open(b.p, b.len, &r), BW_OK);
        assert_int_equal(bw_csv_next(r, &fields, &got, &line, &d), 1);
        assert_int_equal(got, nf);
        assert_int_equal(line, 1);
        for (size_t i = 0; i < nf; i++) {
            if (!bw_str_eq(fields[i], vals[i])) {
                print_error("record %d field %zu: wrote '%s' as '%s', read '%.*s'\n", rec, i,
                            vals[i], bw_buf_cstr(&b), (int)fields[i].n, fields[i].p);
                fail();
            }
        }
        assert_int_equal(bw_csv_next(r, &fields, &got, &line, &d), 0);
        bw_csv_free(r);
        bw_buf_release(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_field_limit),
        cmocka_unit_test(test_record_limit),
        cmocka_unit_test(test_column_limit),
        cmocka_unit_test(test_put_field),
        cmocka_unit_test(test_write_read_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
