// backtrace.cpp — `tw bt ID`: a parked task's own stack (not its worker thread's), from the
// registers the runtime saved when it parked, by walking the frame-pointer chain through process
// memory, symbolised by lldb (function, file:line). In an attach-only model a task is a thread,
// so its stack is the thread's, as lldb unwinds it.
#include "tw_lldb.h"

#include <cinttypes>
#include <cstdio>
#include <vector>

namespace twl {

namespace {
const int kMaxFrames = 128;

struct Frame {
    uint64_t pc;
    std::string func, file;
    uint32_t line = 0;
};

// Symbolise a code address; `call_site` asks for the call instruction before a return address.
Frame symbolise(lldb::SBTarget &t, uint64_t pc, bool call_site) {
    Frame f;
    f.pc = pc;
    lldb::SBAddress a = t.ResolveLoadAddress(call_site ? pc - 1 : pc);
    lldb::SBSymbolContext sc = t.ResolveSymbolContextForAddress(
        a, lldb::eSymbolContextFunction | lldb::eSymbolContextSymbol | lldb::eSymbolContextLineEntry |
               lldb::eSymbolContextModule);
    if (sc.GetFunction().IsValid() && sc.GetFunction().GetName())
        f.func = sc.GetFunction().GetName();
    else if (sc.GetSymbol().IsValid() && sc.GetSymbol().GetName())
        f.func = sc.GetSymbol().GetName();
    lldb::SBLineEntry le = sc.GetLineEntry();
    if (le.IsValid() && le.GetLine() > 0) {
        char path[4096];
        if (le.GetFileSpec().GetPath(path, sizeof path) > 0) f.file = path;
        f.line = le.GetLine();
    }
    return f;
}

// A plausible return address: it lies in a function or symbol of a loaded module. (Section
// permissions do not tell: in a core file the core's own segments can answer for library text.)
bool is_code(lldb::SBTarget &t, uint64_t a) {
    if (a < 4096) return false;
    lldb::SBAddress sa = t.ResolveLoadAddress(a);
    if (!sa.IsValid() || !sa.GetModule().IsValid()) return false;
    lldb::SBSymbolContext sc = t.ResolveSymbolContextForAddress(
        sa, lldb::eSymbolContextFunction | lldb::eSymbolContextSymbol);
    return sc.GetFunction().IsValid() || sc.GetSymbol().IsValid();
}

std::vector<Frame> walk(lldb::SBTarget &t, lldb::SBProcess &p, const uint64_t regs[10]) {
    std::vector<Frame> frames;
    uint64_t pc = regs[0], sp = regs[1], fp = regs[2], lo = regs[8], hi = regs[9];
    frames.push_back(symbolise(t, pc, false));
    auto in_stack = [&](uint64_t a) { return lo == 0 || hi == 0 || (a >= lo && a + 16 <= hi); };
    // A context switch without its own frame leaves its caller's return address at [sp].
    uint64_t at_sp = 0, ret_fp = 0;
    if (fp && in_stack(fp)) read_u64(p, fp + 8, &ret_fp);
    if (sp && in_stack(sp) && read_u64(p, sp, &at_sp) && at_sp != ret_fp && at_sp != pc &&
        is_code(t, at_sp))
        frames.push_back(symbolise(t, at_sp, true));
    while ((int)frames.size() < kMaxFrames && fp && !(fp & 7) && in_stack(fp)) {
        uint64_t next = 0, ret = 0;
        if (!read_u64(p, fp, &next) || !read_u64(p, fp + 8, &ret) || ret == 0) break;
        if (!is_code(t, ret)) break;
        frames.push_back(symbolise(t, ret, true));
        if (next <= fp) break;  // the chain must grow towards the stack base
        fp = next;
    }
    return frames;
}

std::vector<Frame> thread_frames(lldb::SBTarget &t, lldb::SBThread &th) {
    std::vector<Frame> frames;
    for (uint32_t i = 0; i < th.GetNumFrames() && (int)i < kMaxFrames; i++) {
        lldb::SBFrame fr = th.GetFrameAtIndex(i);  // lldb's own unwind, inlined frames included
        Frame f = symbolise(t, fr.GetPC(), i > 0);
        if (fr.GetFunctionName()) f.func = fr.GetFunctionName();
        lldb::SBLineEntry le = fr.GetLineEntry();
        char path[4096];
        if (le.IsValid() && le.GetLine() > 0 && le.GetFileSpec().GetPath(path, sizeof path) > 0) {
            f.file = path;
            f.line = le.GetLine();
        }
        frames.push_back(f);
    }
    return frames;
}

std::string render(uint32_t id, const std::vector<Frame> &frames, bool json) {
    std::string o;
    char b[64];
    if (json) {
        o = "{\"task\":" + std::to_string(id) + ",\"frames\":[";
        for (size_t i = 0; i < frames.size(); i++) {
            const Frame &f = frames[i];
            snprintf(b, sizeof b, "\"0x%" PRIx64 "\"", f.pc);
            o += std::string(i ? "," : "") + "{\"n\":" + std::to_string(i) + ",\"pc\":" + b +
                 ",\"func\":" + (f.func.empty() ? "null" : json_string(f.func)) +
                 ",\"file\":" + (f.file.empty() ? "null" : json_string(f.file)) +
                 ",\"line\":" + (f.line ? std::to_string(f.line) : "null") + "}";
        }
        return o + "]}\n";
    }
    for (size_t i = 0; i < frames.size(); i++) {
        const Frame &f = frames[i];
        snprintf(b, sizeof b, "#%zu 0x%016" PRIx64 " ", i, f.pc);
        o += b + (f.func.empty() ? std::string("??") : f.func);
        if (!f.file.empty()) o += " at " + f.file + ":" + std::to_string(f.line);
        o += "\n";
    }
    return o;
}
}  // namespace

int backtrace(lldb::SBTarget &target, lldb::SBProcess &process, twc_session *s, uint32_t id,
              bool json, std::string *out, std::string *err) {
    uint64_t regs[10] = {0};
    char buf[512] = "";
    int st = twc_task_context(s, id, regs, buf, sizeof buf);
    if (st == TWC_OK && regs[0]) {
        std::vector<Frame> frames = walk(target, process, regs);
        *out = render(id, frames, json);
        if (!json && frames.size() == 1)
            *out += "(the walk stops after 1 frame: the task's stack memory is not readable"
                    " or not in this core file)\n";
        return TWC_OK;
    }
    lldb::SBThread th = process.GetThreadByID(id);  // attach-only: task id = thread id
    if (th.IsValid()) {
        *out = render(id, thread_frames(target, th), json);
        return TWC_OK;
    }
    *err = buf[0] ? buf : "task " + std::to_string(id) + " has no saved context (it is not parked)";
    return st != TWC_OK ? st : TWC_EUSAGE;
}

}  // namespace twl
