/* textbuf.h — a growable malloc'd text the console writes its own documents into (export's
 * trace and graph, `ps --json`, the --json answers of snapshot and export), and JSON string
 * quoting for them. The console writes JSON; it never reads any: views take libtwcore's
 * snapshot (twc_snapshot_take) instead. */
#ifndef TW_TEXTBUF_H
#define TW_TEXTBUF_H
#include <stddef.h>

/* Appends printf-style text to *buf (malloc'd, NUL-terminated; *buf NULL with *len = *cap = 0
 * to start). The caller frees *buf. */
void sb_add(char **buf, size_t *len, size_t *cap, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Appends s as a JSON string literal (with quotes; NULL as ""). */
void json_quote(char **buf, size_t *len, size_t *cap, const char *s);
#endif
