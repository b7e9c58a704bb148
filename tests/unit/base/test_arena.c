/*
 * test_arena.c — the chunked region allocator: alignment, no overlap between
 * allocations, requests larger than a chunk, strndup, reset keeping exactly one chunk,
 * release freeing everything (counted through the allocator hook), overflow and ENOMEM.
 */
#include "unit.h"

#include "arena.h"

#include <stdalign.h>

/* A counting allocator: live blocks and allocation calls, to see what the arena frees. */
static long live, calls;
static int fail_all;

static void *count_malloc(size_t n)
{
    void *p;
    calls++;
    if (fail_all)
        return NULL;
    p = malloc(n);
    live += p != NULL;
    return p;
}
static void *count_calloc(size_t c, size_t n)
{
    void *p;
    calls++;
    if (fail_all)
        return NULL;
    p = calloc(c, n);
    live += p != NULL;
    return p;
}
static void *count_realloc(void *old, size_t n)
{
    void *p;
    calls++;
    if (fail_all)
        return NULL;
    p = realloc(old, n);
    live += p != NULL && old == NULL;
    return p;
}
static void count_free(void *p)
{
    live -= p != NULL;
    free(p);
}
static const struct bw_allocator counting = {count_malloc, count_calloc, count_realloc, count_free};

static int setup(void **state)
{
    (void)state;
    live = calls = 0;
    fail_all = 0;
    return bw_set_allocator(&counting);
}

static int teardown(void **state)
{
    (void)state;
    return bw_set_allocator(NULL);
}

static void test_alignment_and_disjoint(void **state)
{
    (void)state;
    struct bw_arena a;
    unsigned char *prev = NULL;
    size_t prev_n = 0, expect_used = 0;
    const size_t al = alignof(max_align_t);

    bw_arena_init(&a, 256);
    for (size_t i = 0; i < 500; i++) {
        size_t n = (i * 7) % 97; /* includes 0 */
        unsigned char *p = bw_arena_alloc(&a, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
        memset(p, (int)(i & 0xFF), n);
        /* Each allocation is disjoint from the previous one. */
        if (prev && prev_n)
            assert_true(p >= prev + prev_n || p + n <= prev);
        if (prev && prev_n)
            assert_int_equal(prev[prev_n - 1], (unsigned char)((i - 1) & 0xFF));
        prev = p;
        prev_n = n;
        /* used counts whole aligned slots; a zero-byte request still takes one. */
        expect_used += n ? (n + al - 1) / al * al : al;
    }
    assert_int_equal(a.used, expect_used);
    bw_arena_release(&a);
    assert_int_equal(live, 0);
}

static void test_large_and_strndup(void **state)
{
    (void)state;
    struct bw_arena a;
    char *s, *big;

    bw_arena_init(&a, 64);
    s = bw_arena_strndup(&a, "hello world", 5);
    assert_string_equal(s, "hello");
    /* Larger than a chunk: gets its own chunk, and the small one is still usable. */
    big = bw_arena_alloc(&a, 10000);
    assert_non_null(big);
    memset(big, 'x', 10000);
    assert_string_equal(s, "hello");
    s = bw_arena_strndup(&a, "", 0);
    assert_string_equal(s, "");
    s = bw_arena_strndup(&a, "tail", 4);
    assert_string_equal(s, "tail");
    assert_true(a.used >= 10000 + 16);
    bw_arena_release(&a);
    assert_int_equal(live, 0);
    bw_arena_release(NULL);
}

static void test_reset_keeps_one_chunk(void **state)
{
    (void)state;
    struct bw_arena a;

    bw_arena_init(&a, 128);
    for (int i = 0; i < 50; i++)
        assert_non_null(bw_arena_alloc(&a, 100)); /* one chunk each */
    assert_true(live >= 50);
    bw_arena_reset(&a);
    assert_int_equal(live, 1);
    assert_int_equal(a.used, 0);
    /* The kept chunk is reused: a small allocation needs no new memory. */
    calls = 0;
    assert_non_null(bw_arena_alloc(&a, 100));
    assert_int_equal(calls, 0);
    assert_int_equal(live, 1);
    bw_arena_reset(&a);
    bw_arena_reset(&a);
    assert_int_equal(live, 1);
    bw_arena_release(&a);
    assert_int_equal(live, 0);
    /* Reset of an empty arena is harmless. */
    bw_arena_init(&a, 0);
    bw_arena_reset(&a);
    assert_int_equal(live, 0);
    bw_arena_release(&a);
}

static void test_overflow_and_enomem(void **state)
{
    (void)state;
    struct bw_arena a;

    bw_arena_init(&a, 128);
    calls = 0;
    assert_null(bw_arena_alloc(&a, SIZE_MAX));
    assert_null(bw_arena_alloc(&a, SIZE_MAX - 8));
    assert_null(bw_arena_strndup(&a, "x", SIZE_MAX));
    assert_int_equal(calls, 0); /* refused before reaching the allocator */

    fail_all = 1;
    assert_null(bw_arena_alloc(&a, 8));
    assert_null(bw_arena_strndup(&a, "abc", 3));
    fail_all = 0;
    assert_int_equal(live, 0);
    assert_non_null(bw_arena_alloc(&a, 8));
    bw_arena_release(&a);
    assert_int_equal(live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_alignment_and_disjoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_and_strndup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_keeps_one_chunk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow_and_enomem, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
