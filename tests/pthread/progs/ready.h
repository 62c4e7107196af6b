/* ready.h — the test programs' shared "I have reached my state" line (DESIGN.md examples). */
#include <stdio.h>
#include <unistd.h>
static inline void ready(void) { printf("tw-example: ready\n"); fflush(stdout); }
static inline void stay(void) { for (;;) pause(); }
