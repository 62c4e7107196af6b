// frames.cpp — lldb's symbol lookup lent to libtwcore (twc_set_symbolizer), so that `tw task ID`
// names the frames of the stacks TW_BACKTRACE recorded in the region. libtwcore passes an
// address inside the call instruction (return address - 1) and renders the answer itself, so
// lldb, gdb and the console print frames alike. The function is the concrete one around the
// address (as gdb's plugin and the console's ELF lookup name it), the file and line the line
// table's; a file below the current directory is shown relative to it, as the others do.
#include "tw_lldb.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace twl {

int symbolize_frame(void *ctx, uint64_t pc, char *func, size_t funclen, char *file, size_t filelen, int *line,
                    char *object, size_t objlen) {
    auto *m = static_cast<Memory *>(ctx);
    lldb::SBTarget t = m->process.GetTarget();
    lldb::SBAddress a = t.ResolveLoadAddress(pc);
    if (!a.IsValid() || !a.GetModule().IsValid()) return -1;
    lldb::SBSymbolContext sc = t.ResolveSymbolContextForAddress(
        a, lldb::eSymbolContextFunction | lldb::eSymbolContextSymbol | lldb::eSymbolContextLineEntry);
    const char *name = nullptr;
    if (sc.GetFunction().IsValid()) name = sc.GetFunction().GetName();
    if (!name && sc.GetSymbol().IsValid()) name = sc.GetSymbol().GetName();
    snprintf(func, funclen, "%s", name ? name : "");
    if (!a.GetModule().GetFileSpec().GetPath(object, objlen)) object[0] = 0;
    file[0] = 0;
    *line = 0;
    lldb::SBLineEntry le = sc.GetLineEntry();
    char path[4096], cwd[4096];
    if (le.IsValid() && le.GetLine() > 0 && le.GetFileSpec().GetPath(path, sizeof path) > 0) {
        const char *p = path;
        size_t cl = getcwd(cwd, sizeof cwd) ? strlen(cwd) : 0;
        if (cl > 1 && !strncmp(p, cwd, cl) && p[cl] == '/') p += cl + 1;
        snprintf(file, filelen, "%s", p);
        *line = (int)le.GetLine();
    }
    return name || file[0] ? 0 : -1;
}

} // namespace twl
