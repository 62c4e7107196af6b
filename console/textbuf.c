/* textbuf.c — see textbuf.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "textbuf.h"

void sb_add(char **buf, size_t *len, size_t *cap, const char *fmt, ...) {
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(*buf ? *buf + *len : NULL, *buf ? *cap - *len : 0, fmt, ap);
        va_end(ap);
        if (k < 0) return;
        if (*buf && *len + (size_t)k < *cap) { *len += (size_t)k; return; }
        size_t nc = (*cap ? *cap : 256);
        while (nc < *len + (size_t)k + 1) nc *= 2;
        *buf = realloc(*buf, nc);
        *cap = nc;
        if (*len == 0) (*buf)[0] = 0;
    }
}

void json_quote(char **buf, size_t *len, size_t *cap, const char *s) {
    sb_add(buf, len, cap, "\"");
    for (const unsigned char *q = (const unsigned char *)(s ? s : ""); *q; q++) {
        if (*q == '"' || *q == '\\') sb_add(buf, len, cap, "\\%c", *q);
        else if (*q < 0x20) sb_add(buf, len, cap, "\\u%04x", *q);
        else sb_add(buf, len, cap, "%c", *q);
    }
    sb_add(buf, len, cap, "\"");
}
