# tests/pthread/under_tw.sh — sourced by the t_*.sh checks that run a test program under
# `tw run` and ask the console, gdb and lldb about it. Set NAME first (the check's name).
# Gives TW, GDBP, LLDBP, BIN, TMP (removed at exit, with every process started here killed),
# fail MESSAGE, need FILE..., tw_run PROG [TW-RUN OPTIONS] (sets pid once PROG printed its
# ready line), json_lines (every line of stdin that is a JSON object: a debugger's output
# around the plugin's JSON) and same_in (every reader says the same).
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.."
TW=build/bin/tw
GDBP=build/share/gdb/turbowish.py
LLDBP=build/lib/turbowish-lldb.so
BIN=build/tests/pthread
TMP=$(mktemp -d -t "$NAME.XXXXXX")
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
fail() { echo "FAIL $NAME: $*"; exit 1; }
need() { for f in "$@"; do [ -e "$f" ] || fail "$f is not built"; done; }
tw_run() {
    local prog=$1; shift
    "$TW" run "$@" -- "$BIN/$prog" >"$TMP/$prog.out" 2>&1 &
    pid=$!; disown "$pid"; PIDS+=("$pid")
    for _ in $(seq 1 150); do grep -q 'tw-example: ready' "$TMP/$prog.out" && break; sleep 0.1; done
    grep -q 'tw-example: ready' "$TMP/$prog.out" || fail "$prog not ready under tw run"
}
json_lines() { grep -E '^\{.*\}$'; }
# same_in READERS WANT FILTER COMMAND...: each reader of READERS (console, gdb, lldb) runs every
# tw COMMAND ("tasks --json") on $pid; FILTER, reading their JSON lines, must print WANT.
same_in() {
    local readers=$1 want=$2 filter=$3 r c got
    shift 3
    for r in $readers; do
        local a=()
        case $r in
        console) got=$(for c in "$@"; do timeout 60 "$TW" $c --pid "$pid"; done | json_lines | $filter) ;;
        gdb) for c in "$@"; do a+=(-ex "tw $c"); done
             got=$(timeout 180 gdb -batch -nx -x "$GDBP" -p "$pid" "${a[@]}" 2>&1 | json_lines | $filter) ;;
        lldb) for c in "$@"; do a+=(-o "tw $c"); done
              got=$(timeout 300 lldb -b -o "plugin load $LLDBP" -p "$pid" "${a[@]}" 2>&1 | json_lines | $filter) ;;
        esac
        [ "$got" = "$want" ] || fail "$r: '$got', want '$want'"
    done
}
