// core_time.cpp — when a core file was written, for libtwcore's figures (twc_set_image_time).
// lldb 14's API does not say which file a core process was loaded from, but lldb maps that file
// into its own address space: the one ELF core among its mappings is it. With none, or several
// (more than one core loaded), the moment is left unknown and the figures stop at the newest
// event the image holds.
#include "tw_lldb.h"

#include <elf.h>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <sys/stat.h>

namespace twl {

static bool is_elf_core(const std::string &path) {
    FILE *f = fopen(path.c_str(), "rb");
    if (!f) return false;
    unsigned char h[EI_NIDENT + 2] = {0};
    size_t got = fread(h, 1, sizeof h, f);
    fclose(f);
    return got == sizeof h && memcmp(h, ELFMAG, SELFMAG) == 0 && h[EI_DATA] == ELFDATA2LSB &&
           (h[EI_NIDENT] | (h[EI_NIDENT + 1] << 8)) == ET_CORE;
}

uint64_t core_file_mtime_ns() {
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps) return 0;
    std::set<std::string> files;
    char line[4096];
    while (fgets(line, sizeof line, maps)) {
        const char *slash = strchr(line, '/');
        if (!slash) continue;
        std::string path(slash);
        if (!path.empty() && path.back() == '\n') path.pop_back();
        files.insert(path);
    }
    fclose(maps);
    std::string core;
    for (const std::string &p : files) {
        if (!is_elf_core(p)) continue;
        if (!core.empty()) return 0;  // several cores: which one is this process's is not known
        core = p;
    }
    struct stat sb;
    if (core.empty() || stat(core.c_str(), &sb) != 0) return 0;
    return static_cast<uint64_t>(sb.st_mtim.tv_sec) * 1000000000ull + static_cast<uint64_t>(sb.st_mtim.tv_nsec);
}

}  // namespace twl
