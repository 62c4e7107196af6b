/* classify.h — from one stopped thread (registers + frames) to its attach-only facts: libtwattach
 * collects, libtwcore decides (twc_classify_thread). */
#ifndef TWA_CLASSIFY_H
#define TWA_CLASSIFY_H
#include "twa_internal.h"

struct twa_class {
    struct twc_verdict v;      /* libtwcore's verdict */
    const char *file, *func;   /* owned by the target's objects (libtwsym): copy before freeing it */
    int line;
};

/* libtwcore's glibc layout for the libc mapped in the space (its debug file, when libtwsym
 * finds one, beats the table). NULL only when out of memory. Close with twc_glibc_close. */
twc_glibc *twa_glibc_for(const struct tws_space *s);

void twa_classify(const struct twa_target *t, const twc_glibc *g, uint32_t tid, const struct user_regs_struct *r,
                  const struct twa_frame *fr, int nfr, struct twa_class *out);
#endif
