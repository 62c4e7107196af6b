/* fmt.c — number and string formatting without stdio (whose FILE locks we may be called
 * under) and without allocation. Also used by the libuv adapter. */
#include "twp.h"

char *twp_hex(char *p, uint64_t v)
{
    static const char dig[] = "0123456789abcdef";
    char tmp[16];
    int n = 0;
    *p++ = '0';
    *p++ = 'x';
    do { tmp[n++] = dig[v & 15]; v >>= 4; } while (v);
    while (n) *p++ = tmp[--n];
    *p = 0;
    return p;
}

char *twp_dec(char *p, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) *p++ = tmp[--n];
    *p = 0;
    return p;
}

char *twp_str(char *p, const char *s, const char *end)
{
    while (*s && p < end - 1) *p++ = *s++;
    *p = 0;
    return p;
}
