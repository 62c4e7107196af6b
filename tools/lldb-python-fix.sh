#!/usr/bin/env bash
# Debian 12's lldb-14 prints, on every start:
#     ModuleNotFoundError: No module named 'lldb.embedded_interpreter'
# A packaging fault of python3-lldb-14, not TurboWish's: lldb looks for its Python module where
# `lldb -P` says (/usr/lib/local/lib/python3.11/dist-packages, a directory no package creates),
# and the /usr/lib/python3/dist-packages/lldb symlink leads to a directory holding only
# _lldb.so; the module itself is in /usr/lib/llvm-14/lib/python3.11/dist-packages/lldb.
#
#   tools/lldb-python-fix.sh          say whether this lldb has the fault, and the two fixes
#   tools/lldb-python-fix.sh --apply  make `lldb -P`'s directory a symlink to the module (root)
#
# `make deps` runs the first form. The TurboWish lldb plugin is native C++ and works either way.
set -u
apply=0; [ "${1:-}" = "--apply" ] && apply=1
command -v lldb >/dev/null || exit 0
# Read lldb's whole answer before looking into it: `| grep -q` closes the pipe at the first match
# and lldb then spins on its failing writes until the timeout (two minutes of every make test).
says=$(timeout 120 lldb -b -o version </dev/null 2>&1)
if ! grep -q "No module named 'lldb.embedded_interpreter'" <<<"$says"; then
  [ $apply = 1 ] && echo "lldb-python-fix: lldb finds its Python module; nothing to do"
  exit 0
fi
want=$(lldb -P 2>/dev/null)
have=$(dpkg -L "python3-lldb-$(lldb --version 2>/dev/null | sed -n 's/^lldb version \([0-9]*\).*/\1/p')" 2>/dev/null \
       | grep '/lldb/embedded_interpreter.py$' | head -1)
have=${have%/lldb/embedded_interpreter.py}
if [ -z "$have" ]; then
  echo "lldb-python-fix: lldb cannot import lldb.embedded_interpreter and no installed package has it;"
  echo "  install python3-lldb-14 (apt-get install python3-lldb-14)"
  exit 0
fi
if [ $apply = 0 ]; then
  cat <<MSG
note: this lldb prints "ModuleNotFoundError: No module named 'lldb.embedded_interpreter'" at
  every start (a Debian packaging fault of python3-lldb, harmless to TurboWish). Silence it
  for yourself:   export PYTHONPATH=$have
  or for everyone: sudo tools/lldb-python-fix.sh --apply   (links $want -> $have)
MSG
  exit 0
fi
[ -e "$want" ] && { echo "lldb-python-fix: $want exists already; not touching it"; exit 1; }
sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo mkdir -p "$(dirname "$want")" && $sudo ln -s "$have" "$want" \
  && echo "lldb-python-fix: linked $want -> $have"
