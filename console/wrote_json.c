/* wrote_json.c — `tw snapshot --json` and `tw export -o FILE --json`: what was written, as one
 * JSON object on one line like every other command's --json (docs/json.md). */
#include <stdio.h>
#include <stdlib.h>
#include "tw.h"
#include "textbuf.h"

int print_wrote_json(const char *file, const char *format, uint64_t bytes, unsigned torn, uint64_t overwritten) {
    char *b = NULL;
    size_t l = 0, c = 0;
    sb_add(&b, &l, &c, "{\"file\":");
    json_quote(&b, &l, &c, file);
    if (format) {
        sb_add(&b, &l, &c, ",\"format\":");
        json_quote(&b, &l, &c, format);
    } else
        sb_add(&b, &l, &c, ",\"bytes\":%llu,\"torn\":%u,\"overwritten\":%llu", (unsigned long long)bytes, torn,
               (unsigned long long)overwritten);
    sb_add(&b, &l, &c, "}\n");
    if (b) fputs(b, stdout);
    free(b);
    return 0;
}
