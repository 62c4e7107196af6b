/* corefile.h — the opened core, shared by the files of libtwcorefile only (not installed). */
#ifndef TWCF_COREFILE_H
#define TWCF_COREFILE_H
#include "twcorefile.h"

/* One PT_LOAD segment of a core. Bytes [vaddr, vaddr+filesz) are at file offset `off`
 * (clipped to the real file size at open: a truncated core simply has less). */
struct twcf_seg {
    uint64_t vaddr, memsz, off, filesz;
};

struct twcf_core {
    int fd;
    uint64_t fsize;
    struct twcf_seg *segs;      /* sorted by vaddr */
    size_t nsegs;
    uint8_t *notes;             /* every PT_NOTE's bytes, concatenated (each note bounds-checked) */
    size_t notes_len;
    struct tws_map *maps;       /* from NT_FILE, may be empty */
    size_t nmaps;
    struct twcf_thread *threads; /* from NT_PRSTATUS, in note order (first = the one that faulted) */
    size_t nthreads;
    int pid;
    char fname[17];             /* NT_PRPSINFO pr_fname: the process's comm */
    char psargs[81];            /* NT_PRPSINFO pr_psargs: the start of its command line */
    uint64_t declared_end;      /* where the headers say the file ends (> fsize: truncated) */
    uint64_t at_phdr, at_entry; /* from NT_AUXV, 0 if absent */
    uint64_t page_size;
};
#endif
