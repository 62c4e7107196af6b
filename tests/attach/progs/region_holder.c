/* A process with a fake TurboWish region (only the magic and byte-order mark): what the core
 * reader must find. Prints "addr 0x..." then "tw-example: ready"; with argument "crash" it
 * dies by SIGSEGV instead, for a kernel core. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int fd = memfd_create("turbowish", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, 1 << 16) != 0)
        return 1;
    char *p = mmap(0, 1 << 16, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return 1;
    uint32_t bom = 0x01020304u;
    memcpy(p, "TURB", 4); /* built in two halves so .rodata never holds the whole magic */
    memcpy(p + 4, "OWSH", 4);
    memcpy(p + 8, &bom, 4);
    printf("addr %p\ntw-example: ready\n", (void *)p);
    fflush(stdout);
    if (argc > 1 && strcmp(argv[1], "crash") == 0)
        *(volatile int *)0 = 1;
    for (;;)
        pause();
}
