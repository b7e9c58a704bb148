/*
 * test_buf.c — the growable buffer with a ceiling: appends, formatted appends, the
 * ceiling (BW_ETOOBIG leaves the buffer as it was), allocation failure (BW_ENOMEM
 * leaves it as it was), reset and take.
 */
#include "unit.h"

#include "buf.h"

static void test_append_and_cstr(void **state)
{
    (void)state;
    struct bw_buf b;

    bw_buf_init(&b, 1024);
    assert_string_equal(bw_buf_cstr(&b), "");
    assert_int_equal(b.len, 0);
    assert_int_equal(bw_buf_puts(&b, "hello"), BW_OK);
    assert_int_equal(bw_buf_putc(&b, ','), BW_OK);
    assert_int_equal(bw_buf_append(&b, " world!!!", 6), BW_OK);
    assert_int_equal(bw_buf_append(&b, NULL, 0), BW_OK);
    assert_int_equal(b.len, 12);
    assert_string_equal(bw_buf_cstr(&b), "hello, world");
    assert_true(b.cap >= b.len + 1);
    /* Embedded NUL bytes are data: len counts them. */
    assert_int_equal(bw_buf_append(&b, "a\0b", 3), BW_OK);
    assert_int_equal(b.len, 15);
    assert_memory_equal(b.p + 12, "a\0b", 4);
    bw_buf_release(&b);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    bw_buf_release(NULL);
}

static void test_printf(void **state)
{
    (void)state;
    struct bw_buf b;

    bw_buf_init(&b, 1 << 20);
    assert_int_equal(bw_buf_printf(&b, "%d-%s-%.2f", 42, "x", 1.5), BW_OK);
    assert_string_equal(bw_buf_cstr(&b), "42-x-1.50");
    assert_int_equal(b.len, 9);
    /* Growth across the initial capacity keeps earlier bytes. */
    for (int i = 0; i < 1000; i++)
        assert_int_equal(bw_buf_printf(&b, "%04d", i), BW_OK);
    assert_int_equal(b.len, 9 + 4000);
    assert_memory_equal(b.p + 9, "000000010002", 12);
    assert_memory_equal(b.p + b.len - 4, "0999", 4);
    assert_int_equal(b.p[b.len], '\0');
    assert_int_equal(bw_buf_printf(&b, "%s", ""), BW_OK);
    assert_int_equal(b.len, 4009);
    bw_buf_release(&b);
}

static void test_ceiling(void **state)
{
    (void)state;
    struct bw_buf b;

    bw_buf_init(&b, 10);
    assert_int_equal(bw_buf_puts(&b, "0123456789"), BW_OK); /* exactly at the ceiling */
    assert_int_equal(b.len, 10);
    assert_true(b.cap <= 11); /* never more than max + the NUL */
    assert_int_equal(bw_buf_putc(&b, 'x'), BW_ETOOBIG);
    assert_int_equal(bw_buf_printf(&b, "%d", 1), BW_ETOOBIG);
    assert_int_equal(bw_buf_append(&b, "abc", 3), BW_ETOOBIG);
    /* Unchanged by the failed appends. */
    assert_int_equal(b.len, 10);
    assert_string_equal(bw_buf_cstr(&b), "0123456789");
    /* Overflow of len + n is caught, not wrapped. */
    assert_int_equal(bw_buf_append(&b, "x", SIZE_MAX), BW_ETOOBIG);
    bw_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(bw_buf_cstr(&b), "");
    assert_int_equal(bw_buf_puts(&b, "abc"), BW_OK);
    assert_string_equal(bw_buf_cstr(&b), "abc");
    bw_buf_release(&b);

    /* A zero ceiling accepts only empty appends. */
    bw_buf_init(&b, 0);
    assert_int_equal(bw_buf_putc(&b, 'x'), BW_ETOOBIG);
    assert_int_equal(bw_buf_append(&b, "", 0), BW_OK);
    assert_string_equal(bw_buf_cstr(&b), "");
    bw_buf_release(&b);
}

static void test_take(void **state)
{
    (void)state;
    struct bw_buf b;
    char *p;

    bw_buf_init(&b, 100);
    /* Taking an empty buffer gives an owned "" (never NULL unless out of memory). */
    p = bw_buf_take(&b);
    assert_non_null(p);
    assert_string_equal(p, "");
    bw_free(p);

    assert_int_equal(bw_buf_puts(&b, "owned"), BW_OK);
    p = bw_buf_take(&b);
    assert_string_equal(p, "owned");
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    /* The buffer is reusable and independent of the taken bytes. */
    assert_int_equal(bw_buf_puts(&b, "again"), BW_OK);
    assert_string_equal(p, "owned");
    assert_string_equal(bw_buf_cstr(&b), "again");
    bw_free(p);
    bw_buf_release(&b);
}

/* An allocator whose allocations all fail, to see that a failed append changes nothing. */
static void *no_malloc(size_t n)
{
    (void)n;
    return NULL;
}
static void *no_calloc(size_t c, size_t n)
{
    (void)c;
    (void)n;
    return NULL;
}
static void *no_realloc(void *p, size_t n)
{
    (void)p;
    (void)n;
    return NULL;
}

static void test_enomem_leaves_buffer(void **state)
{
    (void)state;
    const struct bw_allocator none = {no_malloc, no_calloc, no_realloc, free};
    struct bw_buf b;

    bw_buf_init(&b, 1 << 20);
    assert_int_equal(bw_buf_puts(&b, "keep"), BW_OK);
    assert_int_equal(bw_set_allocator(&none), BW_OK);
    /* 200 bytes cannot fit in the first 64-byte allocation, so growth is needed. */
    {
        char big[200];
        memset(big, 'z', sizeof big);
        assert_int_equal(bw_buf_append(&b, big, sizeof big), BW_ENOMEM);
    }
    assert_int_equal(bw_set_allocator(NULL), BW_OK);
    assert_int_equal(b.len, 4);
    assert_string_equal(bw_buf_cstr(&b), "keep");
    bw_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_cstr),
        cmocka_unit_test(test_printf),
        cmocka_unit_test(test_ceiling),
        cmocka_unit_test(test_take),
        cmocka_unit_test(test_enomem_leaves_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
