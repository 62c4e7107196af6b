/* twa_dump — prints what libtwattach (and libtwcorefile) see, one fact per line, for the bash tests (and for
 * people debugging the collector without the console):
 *   twa_dump region CORE            -> "region 0x..." or "noregion <sentence>"
 *   twa_dump pid PID [SAMPLES]      -> facts of a live process
 *   twa_dump core CORE [EXE]        -> facts of a core file
 * Fact lines: "thread TID name=... block=N timed=N object=0x... object2=0x... site=file:line func=..."
 * and "object 0x... kind=N owner=TID value=N", then "agree=N core=N source=...". */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "twattach.h"
#include "twcorefile.h"

static void print_facts(const struct twc_facts *f)
{
    for (size_t i = 0; i < f->nthreads; i++) {
        const struct twc_fact_thread *t = &f->threads[i];
        printf("thread %" PRIu64 " name=%s block=%d timed=%d object=0x%" PRIx64 " object2=0x%" PRIx64
               " site=%s:%d func=%s\n",
               t->tid, t->name ? t->name : "-", t->block, t->timed, t->object, t->object2,
               t->file ? t->file : "-", t->line, t->func ? t->func : "-");
    }
    for (size_t i = 0; i < f->nobjects; i++) {
        const struct twc_fact_object *o = &f->objects[i];
        printf("object 0x%" PRIx64 " kind=%d owner=%" PRIu64 " value=%" PRId64 " name=%s\n", o->addr, o->kind,
               o->owner_tid, o->value, o->name ? o->name : "-");
    }
    printf("agree=%d core=%d exe=%s bias=0x%" PRIx64 " source=%s\n", f->samples_agree, f->from_core,
           f->exe ? f->exe : "-", f->load_bias, f->source ? f->source : "-");
}

int main(int argc, char **argv)
{
    char err[512] = "";
    if (argc >= 3 && strcmp(argv[1], "region") == 0) {
        int st;
        struct twcf_core *c = twcf_open(argv[2], &st, err, sizeof err);
        if (!c) {
            printf("error %d %s\n", st, err);
            return st;
        }
        uint64_t a;
        st = twcf_find_region(c, &a, err, sizeof err);
        if (st == 0)
            printf("region 0x%" PRIx64 "\n", a);
        else
            printf("noregion %d %s\n", st, err);
        twcf_close(c);
        return st;
    }
    struct twc_facts f;
    void *store = NULL;
    int st;
    if (argc >= 3 && strcmp(argv[1], "pid") == 0)
        st = twa_collect_pid(atoi(argv[2]), argc > 3 ? atoi(argv[3]) : 1, &f, &store, err, sizeof err);
    else if (argc >= 3 && strcmp(argv[1], "core") == 0)
        st = twa_collect_core(argv[2], argc > 3 ? argv[3] : NULL, &f, &store, err, sizeof err);
    else {
        fprintf(stderr, "usage: twa_dump region CORE | pid PID [SAMPLES] | core CORE [EXE]\n");
        return 1;
    }
    if (st != 0) {
        printf("error %d %s\n", st, err);
        return st;
    }
    print_facts(&f);
    twa_release(store);
    return 0;
}
