/* test_hugemem.c — the per-player tables' memory (server/hugemem.h).
 *
 * What an operator would notice if it broke: a server that uses ~4 % more CPU per snapshot at
 * hundreds of players (the tables on 4 KB pages again: madvise not applied, or a mapping that
 * does not start on a 2 MB boundary, so no huge page fits), a crash on the first snapshot
 * (memory not zeroed, or shorter than asked), or memory that shutdown never returns. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "hugemem.h"

/* The kernel's transparent huge page mode: 'a'lways, 'm'advise, 'n'ever, or 0 if unknown. */
static char thp_mode(void)
{
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    char line[128] = {0};
    if (f == NULL)
        return 0;
    char *ok = fgets(line, sizeof line, f);
    fclose(f);
    const char *b = ok ? strchr(line, '[') : NULL;
    return b ? b[1] : 0;
}

/* Whether the mapping that holds p is one the kernel may back with huge pages
 * (/proc/self/smaps "THPeligible: 1"): the madvise took, on an aligned range. */
static int thp_eligible(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    assert_non_null(f);
    char line[512];
    int in = 0, eligible = -1;
    uintptr_t a = (uintptr_t)p;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            in = a >= lo && a < hi;
            continue;
        }
        int v;
        if (in && sscanf(line, "THPeligible: %d", &v) == 1) {
            eligible = v;
            break;
        }
    }
    fclose(f);
    return eligible;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return false;
    return true;
}

/* A large block: zeroed, writable to its last byte, aligned to a huge page, and eligible for
 * huge pages wherever the kernel offers them. (Kernels since 6.7 align large anonymous
 * mappings to 2 MB themselves, so there the alignment assertion holds even without
 * hugemem's own alignment; Debian 12's 6.1 does not.) */
static void test_large_block_on_huge_pages(void **state)
{
    (void)state;
    HugeMem m;
    size_t n = 5u * HUGEMEM_PAGE + 12345; /* not a multiple: the tail is rounded up */
    uint8_t *p = hugemem_alloc(&m, n);
    assert_non_null(p);
    assert_ptr_equal(m.base, p);
    assert_true(m.mapped);
    assert_int_equal((uintptr_t)p % HUGEMEM_PAGE, 0);
    assert_int_equal(m.len, 6u * HUGEMEM_PAGE);
    assert_true(all_zero(p, n));
    memset(p, 0xA5, n);
    assert_int_equal(p[n - 1], 0xA5);
    char mode = thp_mode();
    if (mode == 'a' || mode == 'm') {
        assert_true(m.advised);
        assert_int_equal(thp_eligible(p), 1);
    } else {
        print_message("transparent huge pages '%c': eligibility not checked\n", mode ? mode : '?');
    }
    hugemem_free(&m);
    assert_null(m.base);
    assert_false(m.mapped);
    hugemem_free(&m); /* holding nothing: nothing to do */
}

/* A small block is ordinary memory (a 2 MB page for it would be mostly empty). */
static void test_small_block_is_calloc(void **state)
{
    (void)state;
    HugeMem m;
    const size_t sizes[] = {1, 1000, HUGEMEM_MIN_BYTES - 1};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = hugemem_alloc(&m, sizes[i]);
        assert_non_null(p);
        assert_false(m.mapped);
        assert_false(m.advised);
        assert_true(all_zero(p, sizes[i]));
        memset(p, 1, sizes[i]);
        hugemem_free(&m);
        assert_null(m.base);
    }
    /* From HUGEMEM_MIN_BYTES up: one whole huge page. */
    assert_non_null(hugemem_alloc(&m, HUGEMEM_MIN_BYTES));
    assert_true(m.mapped);
    assert_int_equal(m.len, HUGEMEM_PAGE);
    hugemem_free(&m);
}

/* Nothing asked, or more than can be: NULL, nothing held. */
static void test_refuses_zero_and_huge(void **state)
{
    (void)state;
    HugeMem m;
    assert_null(hugemem_alloc(&m, 0));
    assert_null(m.base);
    assert_null(hugemem_alloc(&m, SIZE_MAX - 100));
    assert_null(m.base);
    assert_false(m.mapped);
    hugemem_free(&m);
}

static unsigned long vm_size_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    assert_non_null(f);
    char line[256];
    unsigned long kb = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmSize: %lu kB", &kb) == 1)
            break;
    fclose(f);
    assert_true(kb > 0);
    return kb;
}

/* Many blocks made and given back: the address space they took is returned, the alignment's
 * slack included (200 leaked blocks of 6-8 MB would add over a gigabyte). */
static void test_free_returns_mappings(void **state)
{
    (void)state;
    HugeMem m;
    unsigned long before = vm_size_kb();
    for (int i = 0; i < 200; i++) {
        uint8_t *p = hugemem_alloc(&m, 3u * HUGEMEM_PAGE);
        assert_non_null(p);
        p[0] = 1;
        hugemem_free(&m);
    }
    unsigned long after = vm_size_kb();
    assert_true(after < before + 64ul * 1024ul);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_large_block_on_huge_pages),
        cmocka_unit_test(test_small_block_is_calloc),
        cmocka_unit_test(test_refuses_zero_and_huge),
        cmocka_unit_test(test_free_returns_mappings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
