#!/usr/bin/env bash
# lldb's help for tw is libtwcore's command table: `help tw` lists the commands that work in
# lldb with no line broken mid-phrase (lldb re-wraps lines longer than it likes: every line it
# prints must be a whole line of the table's text), and `tw help bt` is the console's words.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_lldb
[ -x build/bin/tw ] || fail "build/bin/tw is not built"
out=$(timeout 300 lldb -b -o "plugin load $PLUGIN" -o 'help tw' -o 'tw help' -o 'tw help bt' 2>&1)
help=$(echo "$out" | sed -n '/^(lldb) help tw$/,/^(lldb) tw help$/p' | sed '1d;$d' | sed '/^Syntax:/,$d')
table=$(echo "$out" | sed -n '/^(lldb) tw help$/,/^(lldb) tw help bt$/p' | sed '1d;$d')
[ -n "$help" ] && [ -n "$table" ] || fail "no help printed: $out"
echo "$help" | grep -q "bt ID" || fail "help tw lacks bt: $help"
echo "$help" | grep -qE '^ *frame ID' && fail "help tw lists gdb's frame: $help"
# every line lldb printed, trimmed, is a whole line of the table's text or of the plugin's note
note="With no TurboWish region (or with --attach-only) the model is built
from the threads' blocking calls: task id = thread id, resource id =
object address."
while IFS= read -r line; do
  t=$(echo "$line" | sed 's/^ *//; s/ *$//')
  [ -z "$t" ] && continue
  printf '%s\n%s\n' "$table" "$note" | sed 's/^ *//; s/ *$//' | grep -qxF -- "$t" || fail "help tw has a broken line: [$t]"
done <<< "$help"
bt=$(echo "$out" | sed -n '/^(lldb) tw help bt$/,$p' | sed '1d')
[ "$bt" = "$(build/bin/tw help bt)" ] || fail "tw help bt in lldb differs from the console's: [$bt]"
pass "help tw: $(echo "$help" | grep -c .) whole lines from the command table; tw help bt = the console's"
