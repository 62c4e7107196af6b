# tests/lib/why_failed.sh — source it. why_failed FILE: one line saying why the check whose
# output is in FILE failed: its FAIL lines first (a script's ok lines may follow them), else the
# output's end.
why_failed() { (grep -m3 'FAIL' "$1" || tail -3 "$1") | tr '\n' ' ' | cut -c1-900; }
