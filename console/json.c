/* json.c — recursive-descent reader for core's JSON output and a string builder for ours.
 * Depth is capped so hostile or broken input cannot exhaust the stack. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"

struct P { const char *s; int depth; };

static void ws(struct P *p) { while (*p->s == ' ' || *p->s == '\n' || *p->s == '\t' || *p->s == '\r') p->s++; }

static int parse(struct P *p, struct jval *v);

static char *pstr(struct P *p) {
    if (*p->s != '"') return NULL;
    p->s++;
    size_t cap = 16, n = 0;
    char *o = malloc(cap);
    while (*p->s && *p->s != '"') {
        if (n + 8 > cap) o = realloc(o, cap *= 2);
        char c = *p->s++;
        if (c == '\\') {
            c = *p->s++;
            switch (c) {
            case 'n': o[n++] = '\n'; break;
            case 't': o[n++] = '\t'; break;
            case 'r': o[n++] = '\r'; break;
            case 'b': o[n++] = '\b'; break;
            case 'f': o[n++] = '\f'; break;
            case 'u': {
                unsigned u = 0;
                for (int i = 0; i < 4; i++) {
                    char h = *p->s;
                    if (!h) { free(o); return NULL; }
                    p->s++;
                    u = u * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
                }
                if (u < 0x80) o[n++] = (char)u;
                else if (u < 0x800) { o[n++] = (char)(0xc0 | u >> 6); o[n++] = (char)(0x80 | (u & 63)); }
                else { o[n++] = (char)(0xe0 | u >> 12); o[n++] = (char)(0x80 | ((u >> 6) & 63)); o[n++] = (char)(0x80 | (u & 63)); }
                break;
            }
            case 0: free(o); return NULL;
            default: o[n++] = c;
            }
        } else o[n++] = c;
    }
    if (*p->s != '"') { free(o); return NULL; }
    p->s++;
    o[n] = 0;
    return o;
}

static int seq(struct P *p, struct jval *v, char close, int obj) {
    size_t cap = 0;
    p->s++;
    ws(p);
    if (*p->s == close) { p->s++; return 0; }
    for (;;) {
        if (v->n == cap) {
            cap = cap ? cap * 2 : 8;
            v->items = realloc(v->items, cap * sizeof *v->items);
            if (obj) v->keys = realloc(v->keys, cap * sizeof *v->keys);
        }
        ws(p);
        if (obj) {
            char *k = pstr(p);
            if (!k) return -1;
            v->keys[v->n] = k;
            ws(p);
            if (*p->s != ':') { v->items[v->n++] = (struct jval){0}; return -1; }
            p->s++;
        }
        memset(&v->items[v->n], 0, sizeof *v->items);
        int r = parse(p, &v->items[v->n]);
        v->n++;
        if (r) return -1;
        ws(p);
        if (*p->s == ',') { p->s++; continue; }
        if (*p->s == close) { p->s++; return 0; }
        return -1;
    }
}

static int parse(struct P *p, struct jval *v) {
    ws(p);
    if (++p->depth > 64) return -1;
    int r = 0;
    char c = *p->s;
    if (c == '{') { v->t = J_OBJ; r = seq(p, v, '}', 1); }
    else if (c == '[') { v->t = J_ARR; r = seq(p, v, ']', 0); }
    else if (c == '"') { v->t = J_STR; v->str = pstr(p); r = v->str ? 0 : -1; }
    else if (!strncmp(p->s, "true", 4)) { v->t = J_BOOL; v->num = 1; p->s += 4; }
    else if (!strncmp(p->s, "false", 5)) { v->t = J_BOOL; p->s += 5; }
    else if (!strncmp(p->s, "null", 4)) { v->t = J_NULL; p->s += 4; }
    else if (c == '-' || (c >= '0' && c <= '9')) {
        char *end;
        v->t = J_NUM;
        v->num = strtod(p->s, &end);
        if (end == p->s) r = -1;
        p->s = end;
    } else r = -1;
    p->depth--;
    return r;
}

static void clear(struct jval *v) {
    if (v->t == J_STR) free(v->str);
    for (size_t i = 0; i < v->n; i++) {
        clear(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
}

struct jval *json_parse(const char *text) {
    if (!text) return NULL;
    const char *b = strchr(text, '{');
    const char *a = strchr(text, '[');
    if (!b || (a && a < b)) b = a;
    if (!b) return NULL;
    struct P p = { b, 0 };
    struct jval *v = calloc(1, sizeof *v);
    if (parse(&p, v)) { clear(v); free(v); return NULL; }
    return v;
}

void json_free(struct jval *v) {
    if (!v) return;
    clear(v);
    free(v);
}

const struct jval *json_get(const struct jval *o, const char *key) {
    if (!o || o->t != J_OBJ) return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (!strcmp(o->keys[i], key)) return &o->items[i];
    return NULL;
}

double json_num(const struct jval *v, double dflt) {
    return v && (v->t == J_NUM || v->t == J_BOOL) ? v->num : dflt;
}

const char *json_str(const struct jval *v, const char *dflt) {
    return v && v->t == J_STR ? v->str : dflt;
}

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
