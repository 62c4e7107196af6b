/* json.h — a tiny JSON reader for the one-line objects libtwcore renders. The console reads
 * core's JSON (never the region) when it needs values: ps counts, export, top's task list. */
#ifndef TW_JSON_H
#define TW_JSON_H
#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };
struct jval {
    enum jtype t;
    double num;          /* J_NUM, J_BOOL (0/1) */
    char *str;           /* J_STR (unescaped, NUL-terminated) */
    size_t n;            /* J_ARR / J_OBJ element count */
    struct jval *items;  /* J_ARR / J_OBJ values */
    char **keys;         /* J_OBJ keys */
};

/* Parses the first JSON value in text; NULL on malformed input (depth capped). */
struct jval *json_parse(const char *text);
void json_free(struct jval *v);
const struct jval *json_get(const struct jval *o, const char *key); /* NULL if absent */
double json_num(const struct jval *v, double dflt);
const char *json_str(const struct jval *v, const char *dflt);
/* Appends s as a JSON string literal (with quotes) to a malloc'd buffer. */
void json_quote(char **buf, size_t *len, size_t *cap, const char *s);
void sb_add(char **buf, size_t *len, size_t *cap, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#endif
