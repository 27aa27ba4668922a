#!/usr/bin/env bash
# The go-live's downtime split by step (issue 15): on the fixture scaled N times (bench/common.sh,
# as P1 and P3), owned by a plain Odoo role as in production, the chain against the sandbox (no
# processing delay): initiate, test-request, `uat signoff --force --reason`, then, timed,
# `freeze apply` (production frozen: the customer's downtime starts), `prod-request` and
# `restore --yes` (the swap: the downtime ends). Prints the wall time of each command and each step
# of `freeze.journal` and `golive.journal` (started_at/done_at, whole seconds, from the project
# file) with the same step to the millisecond from the log (`--log-file`, "step 'X' done in S s",
# commands/golive/golive_common.cpp), prod-request's recorded timings, and the share of each in
# the downtime. Baseline: the round's own hops (dump, upload, download, restore) in the same run.
#
#   bench/golive.sh BUILD [--size N] [--jobs 4] [--keep-logs DIR]
#     [--mail-messages N] [--db-attachments-mb M]
#
# Needs OU_TEST_PG_URI with the fixture template ou_fixture_odoo17 (tests/support/load-fixtures.sh)
# and `cmake --build BUILD --target uat_bench odoo-upgrade odoo-upgrade-sandbox`. Drops its
# databases, role and files at the end.
set -euo pipefail

build=${1:?usage: bench/golive.sh BUILD [--size N] [--jobs J] [--keep-logs DIR]}
shift
size=2000
jobs=4
keep_logs=""
varied=()
while [ $# -gt 0 ]; do
  case "$1" in
  --size) size=$2; shift 2 ;;
  --jobs) jobs=$2; shift 2 ;;
  --keep-logs) keep_logs=$(realpath -m "$2"); mkdir -p "$keep_logs"; shift 2 ;;
  --mail-messages | --db-attachments-mb) varied+=("$1" "$2"); shift 2 ;;
  *) echo "golive.sh: unknown option '$1' (--size N, --jobs J, --keep-logs DIR, --mail-messages N, --db-attachments-mb M)" >&2; exit 2 ;;
  esac
done
: "${OU_TEST_PG_URI:?set OU_TEST_PG_URI (scripts/pg-cluster.sh start DIR prints it)}"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/common.sh
. "$here/common.sh"
bench_programs golive.sh "$build"
work=$(mktemp -d /var/tmp/ou-bench-golive.XXXXXX)
role=ou_bench_uat_odoo
cleanup() {
  bench_cleanup
  sql "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# give_to_role: production and its public tables owned by a plain LOGIN role, as Odoo's
# (tests/support/production_fixture.cpp): the freeze makes that role read-only, not ours.
give_to_role() {
  local db=ou_bench_uat_prod
  sql "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true
  sql "CREATE ROLE $role LOGIN"
  sql "ALTER DATABASE $db OWNER TO $role"
  psql "$(uri_of $db)" -Atqc "SELECT format('ALTER TABLE public.%I OWNER TO $role;', tablename)
    FROM pg_tables WHERE schemaname = 'public'" | psql "$(uri_of $db)" -Atq >/dev/null
}

# cli NAME ARGS...: runs odoo-upgrade ARGS in the project with a log file, its wall time in
# t_NAME; stops the benchmark when it fails.
cli() {
  local name=$1 t0 rc=0
  shift
  t0=$(now)
  (cd "$work/p" && "$binary" --log-file "$work/$name.log" "$@" >"$work/$name.out" \
    2>"$work/$name.err") || rc=$?
  printf -v "t_$name" '%.2f' "$(since "$t0")"
  if [ "$rc" != 0 ]; then
    echo "golive.sh: '$*' failed (exit $rc):" >&2
    tail -5 "$work/$name.err" >&2
    exit 1
  fi
}

start_sandbox
echo "$(machine_line); jobs $jobs"
scale "$size"
give_to_role
db_mb=$(sql "SELECT pg_database_size('ou_bench_uat_prod') / 1048576")
initiate_project
cli round -q test-request --contract BENCH --jobs "$jobs"
cli signoff -q uat signoff --by Bench --force --reason "benchmark: no UAT"
echo "size $size: production $db_mb MB, filestore $((size * 4)) files;" \
  "load average before the go-live $(cut -d' ' -f1-3 /proc/loadavg)"
cli freeze --yes freeze apply
cli prod --yes prod-request --contract BENCH --jobs "$jobs"
cli restore --yes restore --jobs "$jobs"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "$keep_logs" ] && cp "$work"/*.log "$work/p/odoo-upgrade.json" "$keep_logs/"

python3 - "$work/p/odoo-upgrade.json" "$work" "$t_round" "$t_freeze" "$t_prod" "$t_restore" <<'PY'
import json, re, sys
from datetime import datetime

project = json.load(open(sys.argv[1]))
work = sys.argv[2]
t_round, t_freeze, t_prod, t_restore = map(float, sys.argv[3:7])
STEP = re.compile(r"\[\w+\] (?:freeze apply|restore|freeze): step '([a-z_]+)' done in ([0-9.]+)s")


def log_steps(name):
    steps = {}
    with open(f"{work}/{name}.log", encoding="utf-8", errors="replace") as f:
        for line in f:
            m = STEP.search(line)
            if m:
                steps[m.group(1)] = float(m.group(2))
    return steps


def at(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


def journal_rows(journal, fine):
    for e in journal:
        secs = None
        if e.get("started_at") and e.get("done_at"):
            secs = (at(e["done_at"]) - at(e["started_at"])).total_seconds()
        yield e.get("step", "?"), secs, fine.get(e.get("step"))


downtime = t_freeze + t_prod + t_restore
print(f"\n{'command / step':<28} {'journal s':>9} {'log s':>8} {'share':>6}")


def show(title, total, journal, fine):
    print(f"{title:<28} {'':>9} {total:8.2f} {total / downtime:6.1%}")
    for step, secs, ms in journal_rows(journal, fine):
        j = "" if secs is None else f"{secs:.0f}"
        m = "" if ms is None else f"{ms:.3f}"
        share = "" if ms is None else f"{ms / downtime:.1%}"
        print(f"  {step:<26} {j:>9} {m:>8} {share:>6}")


show("freeze apply", t_freeze, project["freeze"].get("journal", []), log_steps("freeze"))
prod = project["production"] if "production" in project else {}
req = prod.get("request", prod) if isinstance(prod, dict) else {}
timings = req.get("timings", {}) if isinstance(req, dict) else {}
print(f"{'prod-request':<28} {'':>9} {t_prod:8.2f} {t_prod / downtime:6.1%}")
for k in ("dump_s", "upload_s", "processing_s", "download_s"):
    if timings.get(k) is not None:
        print(f"  {k[:-2]:<26} {timings[k]:9.1f} {'':>8} {timings[k] / downtime:6.1%}")
show("restore", t_restore, project["golive"].get("journal", []), log_steps("restore"))
# The verification before the swap runs before its step is journaled: timed in the log only.
with open(f"{work}/restore.log", encoding="utf-8", errors="replace") as f:
    for line in f:
        m = re.search(r"restore: verification done in ([0-9.]+)s", line)
        if m:
            v = float(m.group(1))
            print(f"  {'(verification, before verify)':<26} {'':>9} {v:8.3f} {v / downtime:6.1%}")
print(f"{'downtime (freeze to live)':<28} {'':>9} {downtime:8.2f}")
r = project["rounds"][-1].get("timings", {})
print(f"baseline, the test round's hops in the same run: dump {r.get('dump_s')} s, upload "
      f"{r.get('upload_s')} s, download {r.get('download_s')} s, restore {r.get('restore_s')} s; "
      f"test-request wall {t_round:.2f} s")
PY
