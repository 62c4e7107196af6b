"""The JSON objects a debugger or the console printed, for the tests' checks (tests/gdb/jcheck.py,
tests/lldb/jsonq.py and the scripts that import them)."""
import json


def objects(text):
    """Every JSON object printed in TEXT, one a line from its first "{" (debuggers print other lines)."""
    out = []
    for line in text.splitlines():
        i = line.find("{")
        if i < 0:
            continue
        try:
            v = json.loads(line[i:])
        except ValueError:
            continue
        if isinstance(v, dict):
            out.append(v)
    return out
