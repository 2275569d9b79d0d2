/* hugemem.c — see hugemem.h. */
#include "hugemem.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

/* An anonymous mapping of len bytes (a multiple of HUGEMEM_PAGE) that starts on a huge page
 * boundary, so that the kernel can back all of it with huge pages: map one page more than
 * needed and unmap what lies before and after the aligned part. */
static void *map_aligned(size_t len)
{
    size_t over = len + HUGEMEM_PAGE;
    uint8_t *raw = mmap(NULL, over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        return NULL;
    uintptr_t a = (uintptr_t)raw, start = (a + HUGEMEM_PAGE - 1) & ~(uintptr_t)(HUGEMEM_PAGE - 1);
    size_t head = start - a, tail = over - head - len;
    if (head > 0)
        munmap(raw, head);
    if (tail > 0)
        munmap(raw + head + len, tail);
    return raw + head;
}

void *hugemem_alloc(HugeMem *m, size_t n)
{
    *m = (HugeMem){0};
    if (n == 0)
        return NULL;
    if (n < HUGEMEM_MIN_BYTES) {
        m->base = calloc(1, n);
        return m->base;
    }
    if (n > SIZE_MAX - 2 * (size_t)HUGEMEM_PAGE)
        return NULL;
    size_t len = (n + HUGEMEM_PAGE - 1) / HUGEMEM_PAGE * HUGEMEM_PAGE;
    void *p = map_aligned(len);
    if (p == NULL)
        return NULL;
    /* EINVAL where the kernel has no transparent huge pages: then it stays ordinary memory. */
    m->advised = madvise(p, len, MADV_HUGEPAGE) == 0;
    m->base = p;
    m->len = len;
    m->mapped = true;
    return p; /* anonymous memory is zeroed */
}

void hugemem_free(HugeMem *m)
{
    if (m->base != NULL) {
        if (m->mapped)
            munmap(m->base, m->len);
        else
            free(m->base);
    }
    *m = (HugeMem){0};
}
