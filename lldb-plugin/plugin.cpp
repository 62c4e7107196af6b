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

// Where libtwcore's command table says `word` works (TWC_FE_*), 0 when it is no command.
unsigned where_of(const std::string &word) {
    const char *name;
    unsigned where;
    for (size_t i = 0; twc_command_info(i, &name, nullptr, nullptr, &where) == 0; i++)
        if (word == name) return where;
    return 0;
}

bool fail(lldb::SBCommandReturnObject &result, const std::string &msg) {
    result.SetError(msg.c_str());
    return false;
}

bool print(lldb::SBCommandReturnObject &result, const char *text) {
    if (text && *text) result.Printf("%s", text);
    result.SetStatus(lldb::eReturnStatusSuccessFinishResult);
    return true;
}

bool run(lldb::SBDebugger &dbg, char **argv, lldb::SBCommandReturnObject &result) {
    std::vector<std::string> words;
    bool attach_only = false;
    for (char **a = argv; a && *a; a++) {
        std::string w(*a);
        if (w == "--attach-only") {
            attach_only = true;
            continue;
        }
        words.push_back(w);
    }
    if (words.empty() || words[0][0] == '-') words.insert(words.begin(), "summary");
    if (words[0] == "help") {
        std::string h = twc_help_in(words.size() > 1 ? words[1].c_str() : nullptr, TWC_FE_LLDB);
        if (h.rfind("no such command", 0) == 0) return fail(result, h.substr(0, h.find('\n')));
        return print(result, h.c_str());
    }
    if (unsigned where = where_of(words[0]); where && !(where & TWC_FE_LLDB))
        return fail(result, "`" + words[0] + "` " +
                                (where & TWC_FE_CONSOLE ? "is a command of the tw program: run tw " + words[0] + " TARGET"
                                                        : "works only in gdb"));
    if (!(where_of(words[0]) & TWC_FE_LLDB)) {
        const char *near = twc_suggest(words[0].c_str(), TWC_FE_LLDB);
        return fail(result, "unknown tw command `" + words[0] + "`" +
                                (near ? std::string("; did you mean `") + near + "`?" : std::string()) +
                                " (help tw lists them)");
    }
    int status = TWC_OK;
    std::string err;
    twc_session *s = twl::session_for(dbg, attach_only, &status, &err);
    if (!s) return fail(result, err);

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

}  // namespace

bool lldb::PluginInitialize(lldb::SBDebugger debugger) {
    lldb::SBCommandInterpreter interp = debugger.GetCommandInterpreter();
    // The help is libtwcore's command table, as in gdb and the console; its lines are short
    // enough that lldb does not re-wrap them mid-phrase.
    static std::string help = std::string(twc_help_in(nullptr, TWC_FE_LLDB)) +
        "With no TurboWish region (or with --attach-only) the model is built\n"
        "from the threads' blocking calls: task id = thread id, resource id =\n"
        "object address.\n";
    lldb::SBCommand tw = interp.AddCommand("tw", new TwCommand(), help.c_str(),
                                           "tw [COMMAND] [ARGS] [--json] [--attach-only]");
    return tw.IsValid();
}
