// memory.cpp — libtwcore's byte source and control-area writer over an lldb process.
// Every address comes from untrusted bytes: a failed read is a short read, never a crash.
#include "tw_lldb.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace twl {

static const uint64_t kPage = 4096;

// A core (gcore's included) leaves out the text of mapped files: the code that libtwcore
// reads to recover a call's arguments comes from the modules' sections instead, as lldb's own
// disassembler gets it.
static uint64_t read_file_sections(lldb::SBProcess &p, uint64_t addr, char *buf, uint64_t len) {
    if (is_live(p)) return 0;
    lldb::SBTarget t = p.GetTarget();
    lldb::SBAddress a = t.ResolveLoadAddress(addr);
    if (!a.GetSection().IsValid()) return 0;
    lldb::SBError e;
    size_t n = t.ReadMemory(a, buf, len, e);
    return e.Success() ? n : 0;
}

int64_t read_memory(void *ctx, uint64_t addr, void *buf, uint64_t len) {
    Memory *m = static_cast<Memory *>(ctx);
    if (!m || !buf) return -EINVAL;
    if (len == 0) return 0;
    if (addr + len < addr) len = ~addr;  // never wrap around the address space
    lldb::SBError e;
    size_t n = m->process.ReadMemory(addr, buf, len, e);
    if (e.Success() && n == len) return (int64_t)n;
    // lldb fails a read that crosses into unmapped memory: read page by page for the short count.
    uint64_t done = 0;
    while (done < len) {
        uint64_t a = addr + done;
        uint64_t chunk = std::min(len - done, kPage - (a & (kPage - 1)));
        lldb::SBError e2;
        size_t got = m->process.ReadMemory(a, static_cast<char *>(buf) + done, chunk, e2);
        if (!e2.Success() || got == 0) break;
        done += got;
        if (got < chunk) break;
    }
    if (done < len) done += read_file_sections(m->process, addr + done, static_cast<char *>(buf) + done, len - done);
    return done ? (int64_t)done : -EFAULT;
}

int64_t write_memory(void *ctx, uint64_t addr, const void *buf, uint64_t len) {
    Memory *m = static_cast<Memory *>(ctx);
    if (!m || !buf) return -EINVAL;
    if (!is_live(m->process)) return -EROFS;
    lldb::SBError e;
    size_t n = m->process.WriteMemory(addr, buf, len, e);
    if (!e.Success() && n == 0) return -EFAULT;
    return (int64_t)n;
}

bool read_u64(lldb::SBProcess &p, uint64_t addr, uint64_t *v) {
    Memory m{p};
    return read_memory(&m, addr, v, 8) == 8;
}

bool read_u32(lldb::SBProcess &p, uint64_t addr, uint32_t *v) {
    Memory m{p};
    return read_memory(&m, addr, v, 4) == 4;
}

bool is_live(lldb::SBProcess &p) {
    if (!p.IsValid()) return false;
    const char *plugin = p.GetPluginName();
    if (!plugin) return false;
    std::string name(plugin);
    return name.find("core") == std::string::npos && name.find("minidump") == std::string::npos;
}

} // namespace twl
