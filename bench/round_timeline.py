#!/usr/bin/env python3
"""Splits a test round's hops by what ran in them (bench/round.sh).

    round_timeline.py PROJECT_FILE LOG_FILE

PROJECT_FILE: the project whose last round is read (`rounds[-1].timings`). LOG_FILE: that round's
`--log-file` (spdlog pattern "%Y-%m-%dT%H:%M:%S.%e%z [%l] %v"), where every child process ends
with a line "<program> exit status N after S.SSSs" (adapters/process.cpp, debug level). Prints one
JSON object: the recorded timings, the wall time of each hop in the log and, inside each hop, the
seconds spent in children by program name; "own" is the rest (the program's own work: checksums,
HTTP calls to the service, counting tables, links).
"""
import json
import re
import sys
from datetime import datetime

HOPS = [
    ("dump", "dumping production database", "dump ready"),
    ("upload", "uploading the dump", "upload done"),
    ("download", "downloading the upgraded database", "download done"),
    ("restore", "restoring into database", "restore done"),
]
LINE = re.compile(r"^(\S+) \[(\w+)\] (.*)$")
CHILD = re.compile(r"^(\S+) (?:exit status -?\d+|killed by signal \d+|timed out) after ([0-9.]+)s$")


def parse(log_path):
    events = []
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            m = LINE.match(raw.rstrip("\n"))
            if m:
                events.append((datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z"), m.group(3)))
    return events


def split(events):
    hops = {}
    for name, start_text, end_text in HOPS:
        start = next((i for i, (_, msg) in enumerate(events) if start_text in msg), None)
        if start is None:
            continue
        end = next((i for i in range(start, len(events)) if end_text in events[i][1]), None)
        if end is None:
            continue
        children = {}
        for _, msg in events[start:end + 1]:
            c = CHILD.match(msg)
            if c:
                children[c.group(1)] = round(children.get(c.group(1), 0) + float(c.group(2)), 3)
        wall = (events[end][0] - events[start][0]).total_seconds()
        hops[name] = {"wall_s": round(wall, 3), "children_s": children,
                      "own_s": round(wall - sum(children.values()), 3)}
    return hops


def main():
    project = json.load(open(sys.argv[1], encoding="utf-8"))
    round_ = project["rounds"][-1]
    events = parse(sys.argv[2])
    print(json.dumps({"timings": round_.get("timings", {}), "hops": split(events),
                      "filestore_mode": round_.get("filestore_mode"),
                      "log_span_s": round((events[-1][0] - events[0][0]).total_seconds(), 3)
                      if events else 0}))


if __name__ == "__main__":
    main()
