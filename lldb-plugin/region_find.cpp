// region_find.cpp — where the TurboWish region header is in the target's address space.
// Three ways, most precise first: the shim's exported `tw_region` pointer; the memfd mapping
// named "/memfd:turbowish"; a scan of page starts for the magic (core files of stripped programs).
#include "tw_lldb.h"
#include "tw_region.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace twl {

static const uint64_t kPage = 4096;
static const uint64_t kScanChunk = 1u << 20;
static const uint64_t kScanLimit = 4ull << 30;  // bytes scanned at most: bounded on any core

static bool has_magic(lldb::SBProcess &p, uint64_t addr) {
    char buf[12];
    Memory m{p};
    if (addr == 0 || read_memory(&m, addr, buf, sizeof buf) != (int64_t)sizeof buf) return false;
    uint32_t bom;
    memcpy(&bom, buf + 8, 4);
    return memcmp(buf, TW_MAGIC, 8) == 0 && bom == TW_BYTE_ORDER_MARK;
}

static bool from_symbol(lldb::SBTarget &t, lldb::SBProcess &p, uint64_t *addr) {
    lldb::SBSymbolContextList list = t.FindSymbols("tw_region", lldb::eSymbolTypeAny);
    for (uint32_t i = 0; i < list.GetSize(); i++) {
        lldb::SBSymbol sym = list.GetContextAtIndex(i).GetSymbol();
        if (!sym.IsValid()) continue;
        uint64_t where = sym.GetStartAddress().GetLoadAddress(t);
        uint64_t ptr = 0;
        if (where == LLDB_INVALID_ADDRESS || !read_u64(p, where, &ptr)) continue;
        if (has_magic(p, ptr)) {
            *addr = ptr;
            return true;
        }
    }
    return false;
}

// Mapping starts whose name is the memfd, from lldb's memory regions and, live, /proc/PID/maps.
static std::vector<uint64_t> memfd_mappings(lldb::SBProcess &p) {
    std::vector<uint64_t> starts;
    lldb::SBMemoryRegionInfoList regions = p.GetMemoryRegions();
    for (uint32_t i = 0; i < regions.GetSize(); i++) {
        lldb::SBMemoryRegionInfo r;
        if (!regions.GetMemoryRegionAtIndex(i, r)) continue;
        const char *name = r.GetName();
        if (name && strstr(name, "memfd:turbowish")) starts.push_back(r.GetRegionBase());
    }
    if (is_live(p)) {
        std::ifstream maps("/proc/" + std::to_string(p.GetProcessID()) + "/maps");
        std::string line;
        while (std::getline(maps, line)) {
            if (line.find("/memfd:turbowish") == std::string::npos) continue;
            unsigned long long lo = 0, hi = 0, off = 1;
            char perms[8];
            if (sscanf(line.c_str(), "%llx-%llx %7s %llx", &lo, &hi, perms, &off) == 4 && off == 0)
                starts.push_back(lo);
        }
    }
    return starts;
}

static bool from_scan(lldb::SBProcess &p, uint64_t *addr) {
    lldb::SBMemoryRegionInfoList regions = p.GetMemoryRegions();
    uint64_t scanned = 0;
    std::vector<char> buf(kScanChunk);
    Memory m{p};
    for (uint32_t i = 0; i < regions.GetSize() && scanned < kScanLimit; i++) {
        lldb::SBMemoryRegionInfo r;
        if (!regions.GetMemoryRegionAtIndex(i, r) || !r.IsReadable()) continue;
        uint64_t lo = (r.GetRegionBase() + kPage - 1) & ~(kPage - 1), hi = r.GetRegionEnd();
        for (uint64_t a = lo; a + 12 <= hi && scanned < kScanLimit; a += kScanChunk) {
            uint64_t n = std::min<uint64_t>(kScanChunk, hi - a);
            int64_t got = read_memory(&m, a, buf.data(), n);
            if (got <= 0) continue;
            scanned += (uint64_t)got;
            for (uint64_t off = 0; off + 12 <= (uint64_t)got; off += kPage) {
                uint32_t bom;
                memcpy(&bom, buf.data() + off + 8, 4);
                if (memcmp(buf.data() + off, TW_MAGIC, 8) == 0 && bom == TW_BYTE_ORDER_MARK) {
                    *addr = a + off;
                    return true;
                }
            }
        }
    }
    return false;
}

bool find_region(lldb::SBTarget &target, lldb::SBProcess &process, uint64_t *addr, std::string *how) {
    if (from_symbol(target, process, addr)) {
        *how = "tw_region symbol";
        return true;
    }
    for (uint64_t a : memfd_mappings(process)) {
        if (has_magic(process, a)) {
            *addr = a;
            *how = "memfd mapping";
            return true;
        }
    }
    // A live process's mappings are all named in /proc/PID/maps: scanning it would only be slow.
    if (!is_live(process) && from_scan(process, addr)) {
        *how = "magic scan";
        return true;
    }
    return false;
}

} // namespace twl
