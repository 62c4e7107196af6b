// plugin.cpp — the lldb entry point: registers `tw` and runs each command line through
// libtwcore, printing what it renders verbatim. Errors are one line (result.SetError); nothing
// here may throw into lldb or take it down.
#include "tw_lldb.h"

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

namespace lldb {
// The one exported symbol: everything else is hidden so that two copies of the plugin (an
// installed one and the tree's) never bind to each other's functions.
__attribute__((visibility("default"))) bool PluginInitialize(lldb::SBDebugger debugger);
}

namespace {

// DESIGN.md's command table; `help` and the plugin-only `--attach-only` flag are extra.
const std::set<std::string> kCommands = {
    "summary", "tasks", "task", "resources", "resource", "why", "deadlocks", "alerts", "log",
    "back", "forward", "at", "now", "pause", "resume", "bt", "validate", "help"};

bool fail(lldb::SBCommandReturnObject &result, const std::string &msg) {
    result.SetError(msg.c_str());
    return false;
}

bool print(lldb::SBCommandReturnObject &result, const char *text) {
    if (text && *text) result.Printf("%s", text);
    result.SetStatus(lldb::eReturnStatusSuccessFinishResult);
    return true;
}

bool run_bt(lldb::SBDebugger &dbg, twc_session *s, const std::vector<std::string> &words,
            bool json, lldb::SBCommandReturnObject &result) {
    std::string id_word;
    for (size_t i = 1; i < words.size(); i++)
        if (words[i] != "--json") id_word = words[i];
    char *end = nullptr;
    unsigned long id = id_word.empty() ? 0 : strtoul(id_word.c_str(), &end, 10);
    if (id_word.empty() || *end || id == 0 || id > 0xffffffffUL)
        return fail(result, "usage: tw bt ID [--json] (ID: a task id from `tw tasks`)");
    lldb::SBTarget target = dbg.GetSelectedTarget();
    lldb::SBProcess process = target.GetProcess();
    std::string out, err;
    if (twl::backtrace(target, process, s, (uint32_t)id, json, &out, &err) != TWC_OK)
        return fail(result, err);
    return print(result, out.c_str());
}

bool run(lldb::SBDebugger &dbg, char **argv, lldb::SBCommandReturnObject &result) {
    std::vector<std::string> words;
    bool attach_only = false, json = false;
    for (char **a = argv; a && *a; a++) {
        std::string w(*a);
        if (w == "--attach-only") {
            attach_only = true;
            continue;
        }
        if (w == "--json") json = true;
        words.push_back(w);
    }
    if (words.empty() || (words[0][0] == '-' && !kCommands.count(words[0])))
        words.insert(words.begin(), "summary");
    if (words[0] == "help") {
        const char *h = twc_help(words.size() > 1 ? words[1].c_str() : nullptr);
        return h ? print(result, h) : fail(result, "no help for `" + words[1] + "`");
    }
    int status = TWC_OK;
    std::string err;
    twc_session *s = twl::session_for(dbg, attach_only, &status, &err);
    if (!s) return fail(result, err);
    if (words[0] == "bt") return run_bt(dbg, s, words, json, result);

    std::string line;
    for (const std::string &w : words) line += (line.empty() ? "" : " ") + w;
    char *out = nullptr;
    char buf[1024] = "";
    status = twc_exec(s, line.c_str(), &out, buf, sizeof buf);
    if (status != TWC_OK || !out) {
        if (out) twc_free(out);
        return fail(result, buf[0] ? buf : "tw " + line + " failed");
    }
    bool ok = print(result, out);
    twc_free(out);
    return ok;
}

class TwCommand : public lldb::SBCommandPluginInterface {
public:
    bool DoExecute(lldb::SBDebugger dbg, char **argv, lldb::SBCommandReturnObject &result) override {
        try {
            return run(dbg, argv, result);
        } catch (const std::exception &e) {
            return fail(result, std::string("internal error in the TurboWish plugin: ") + e.what());
        } catch (...) {
            return fail(result, "internal error in the TurboWish plugin");
        }
    }
};

const char kHelp[] =
    "TurboWish: why is my task stuck? Subcommands (each takes --json):\n"
    "  tw [summary]          counts by state, averages, alerts banner\n"
    "  tw tasks | task ID    the task list / one task record\n"
    "  tw resources | resource ID\n"
    "  tw why ID             the chain that keeps task ID from running\n"
    "  tw deadlocks          every deadlock, as task/resource chains\n"
    "  tw alerts             every alert, with its doc page\n"
    "  tw log [N]            the newest N events\n"
    "  tw back [N] | back --await ID | forward [N] | at SEQ | now    move through history\n"
    "  tw pause ID | resume ID   (live process only)\n"
    "  tw bt ID              the parked task's stack, symbolised\n"
    "  tw validate           check the region's consistency\n"
    "  tw help [COMMAND]     libtwcore's help for a command\n"
    "With no TurboWish region (or with --attach-only) the model is built from the threads'\n"
    "blocking calls: task id = thread id, resource id = object address.\n";

}  // namespace

bool lldb::PluginInitialize(lldb::SBDebugger debugger) {
    lldb::SBCommandInterpreter interp = debugger.GetCommandInterpreter();
    lldb::SBCommand tw = interp.AddCommand("tw", new TwCommand(), kHelp,
                                           "tw [COMMAND] [ARGS] [--json] [--attach-only]");
    return tw.IsValid();
}
