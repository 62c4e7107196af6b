/* classify.h — from one stopped thread (registers + frames) to its attach-only facts. */
#ifndef TWA_CLASSIFY_H
#define TWA_CLASSIFY_H
#include "glibc_layout.h"

struct twa_class {
    int block, timed;
    uint64_t object, object2;
    const char *file, *func;   /* owned by the target's ELF cache: copy before freeing it */
    int line;
    struct twc_fact_object objs[2];
    int nobjs;
};

void twa_classify(const struct twa_target *t, const struct twa_glibc_layout *L, uint32_t tid,
                  const struct user_regs_struct *r, const struct twa_frame *fr, int nfr,
                  struct twa_class *out);
#endif
