/* buf.c — a growable text buffer; every renderer writes into one. Out of memory sticks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

void twc__sb_init(struct sbuf *b) { memset(b, 0, sizeof *b); }

static int sb_grow(struct sbuf *b, size_t need)
{
    if (b->oom) return -1;
    if (b->len + need + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + need + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) { b->oom = 1; return -1; }
    b->p = p; b->cap = cap;
    return 0;
}

void twc__sb_put(struct sbuf *b, const char *s, size_t n)
{
    if (sb_grow(b, n)) return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void twc__sb_puts(struct sbuf *b, const char *s) { twc__sb_put(b, s, strlen(s)); }

void twc__sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) { twc__sb_put(b, tmp, (size_t)n); return; }
    if (sb_grow(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void twc__sb_json_str(struct sbuf *b, const char *s)
{
    if (!s) { twc__sb_puts(b, "null"); return; }
    twc__sb_put(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') { char e[2] = { '\\', (char)*p }; twc__sb_put(b, e, 2); }
        else if (*p < 0x20 || *p == 0x7f) twc__sb_printf(b, "\\u%04x", *p);
        else twc__sb_put(b, (const char *)p, 1);
    }
    twc__sb_put(b, "\"", 1);
}

void twc__sb_dur(struct sbuf *b, uint64_t ns)
{
    if (ns < 1000) twc__sb_printf(b, "%lluns", (unsigned long long)ns);
    else if (ns < 1000000) twc__sb_printf(b, "%.1fus", ns / 1e3);
    else if (ns < 1000000000) twc__sb_printf(b, "%.1fms", ns / 1e6);
    else twc__sb_printf(b, "%.2fs", ns / 1e9);
}

char *twc__sb_take(struct sbuf *b)
{
    if (b->oom) { free(b->p); twc__sb_init(b); return NULL; }
    if (!b->p) { sb_grow(b, 0); if (b->p) b->p[0] = 0; }
    char *p = b->p;
    twc__sb_init(b);
    return p;
}

void twc__sb_free(struct sbuf *b) { free(b->p); twc__sb_init(b); }
