#!/usr/bin/env python3
"""Copy a snapshot with the first task record's state changed (WAITING <-> READY) behind the
event log's back: the model no longer matches what undoing and replaying the log gives."""
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
HDR_TASKS = 88  # offset of header.tasks (struct tw_table_desc) in struct tw_header
off, stride, cap, count, full = struct.unpack_from("<QIIII", d, HDR_TASKS)
state_at = off + 24  # struct tw_task_rec: seq, version, id, parent, name, spawn_site, then state
d[state_at] = 1 if d[state_at] == 3 else 3
open(sys.argv[2], "wb").write(d)
