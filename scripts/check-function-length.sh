#!/usr/bin/env bash
# Checks that no function in the product code (src/, sandbox/) is longer than 80 lines, so that a
# command body reads as the method's steps. Functions are found with universal-ctags (start and end
# lines). A function that truly must stay longer is listed in scripts/function-length-allow.txt as
# `path:function` with a reason; the list is meant to stay short.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${OU_FUNCTION_LINES:-80}
if ! command -v ctags >/dev/null || ! ctags --version 2>/dev/null | grep -q Universal; then
  echo "check-function-length: universal-ctags is needed (apt-get install universal-ctags)" >&2
  exit 2
fi
allow=scripts/function-length-allow.txt
git ls-files 'src/*.cpp' 'src/*.hpp' 'sandbox/*.cpp' 'sandbox/*.hpp' 'include/*.hpp' |
  ctags --languages=C++ --kinds-C++=f --fields=+ne --output-format=json -L - -o - |
  python3 -c '
import json, sys
limit = int(sys.argv[1])
allowed = set()
try:
    for line in open(sys.argv[2]):
        line = line.split("#", 1)[0].strip()
        if line:
            allowed.add(line)
except FileNotFoundError:
    pass
long = []
for line in sys.stdin:
    t = json.loads(line)
    if t.get("_type") != "tag" or "end" not in t:
        continue
    n = t["end"] - t["line"] + 1
    key = "%s:%s" % (t["path"], t["name"])
    if n > limit and key not in allowed:
        long.append((n, t["path"], t["line"], t["name"]))
for n, path, line, name in sorted(long, reverse=True):
    print("%s:%d: function %s is %d lines (limit %d)" % (path, line, name, n, limit))
if long:
    print("check-function-length: %d function(s) over %d lines: split them into named steps" % (len(long), limit))
    sys.exit(1)
' "$limit" "$allow"
