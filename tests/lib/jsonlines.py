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


def check_main(argv, text, names, sort_keys=False):
    """The command line of jcheck.py and jsonq.py: [--nth N] EXPR over the Nth object of TEXT,
    as `j`, with `objs` (all of them), `json` and NAMES in scope. Prints the value (JSON for
    non-strings); returns 1 when there is no such object or the value is None, False or empty
    (0 is a value), 2 when EXPR fails."""
    nth = 0
    if argv[:1] == ["--nth"]:
        nth, argv = int(argv[1]), argv[2:]
    expr = argv[0] if argv else "j"
    objs = objects(text)
    if len(objs) <= nth:
        print("no JSON object #%d in the output" % nth)
        return 1
    try:
        v = eval(expr, dict(names, j=objs[nth], objs=objs, json=json))
    except Exception as e:  # noqa: BLE001 - report any failure of the check itself
        print("check error: %r" % e)
        return 2
    print(v if isinstance(v, str) else json.dumps(v, sort_keys=sort_keys))
    return 1 if v is None or v is False or v in ([], {}, "") else 0
