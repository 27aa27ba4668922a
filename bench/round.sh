#!/usr/bin/env bash
# A test round against the sandbox vs the floor (issue 15, P1; target: at most 1.2x), at three
# sizes, split by hop. At each size the Odoo 17 fixture is scaled by bench/uat_bench (journal items,
# contacts and products copied N, N/3 and N/5 times) and given a filestore of 4N files of 8 KiB,
# then, in the same run:
#   - round: `test-request` against odoo-upgrade-sandbox (no processing delay) with a log file;
#     its wall time less the service's processing (`timings.processing_s`), the four hops it
#     records (`timings`: dump, upload, download, restore) and, inside each hop, the seconds spent
#     in children (pg_dump, rsync, pg_restore) and in the program itself (bench/round_timeline.py);
#     the program's own CPU time (`perf stat --no-inherit`, children excluded);
#   - floor, each step timed on its own: `pg_dump -Fd -jJ -ZL` (the round's gzip level, --compress); rsync of that dump up and of the
#     service's result (the same files the round downloads) down, both over SSH on loopback to an
#     sshd of our own configured as the sandbox's (same sshd, same client options: the hop's
#     transport without the service's gate); `pg_restore -Fd -jJ` of the result into a new
#     database and a hard-link copy (`cp -al`) of the filestores. A local rsync (no SSH) of the
#     dump is printed as well, for reference.
#
# With --repeat R (default 3) the round and the floor run R times each, alternately; the table
# shows the fastest round (with its split) and each floor step's fastest time: on a shared machine
# the best of a few runs is the one least disturbed by the others' load.
#
#   bench/round.sh BUILD [--sizes "500 2000 8000"] [--repeat 3] [--jobs 4] [--compress 1] [--keep-logs DIR]
#     [--mail-messages N] [--db-attachments-mb M]
#
# Needs OU_TEST_PG_URI with the fixture template ou_fixture_odoo17 (tests/support/load-fixtures.sh)
# and `cmake --build BUILD --target uat_bench odoo-upgrade odoo-upgrade-sandbox`; /usr/sbin/sshd,
# rsync, perf, python3. Drops its databases and files at the end.
set -euo pipefail

build=${1:?usage: bench/round.sh BUILD [--sizes "N1 N2 N3"] [--jobs J] [--keep-logs DIR]}
shift
sizes="500 2000 8000"
jobs=4
compress=1
repeat=3
keep_logs=""
varied=()
while [ $# -gt 0 ]; do
  case "$1" in
  --sizes) sizes=$2; shift 2 ;;
  --jobs) jobs=$2; shift 2 ;;
  --compress) compress=$2; shift 2 ;;
  --repeat) repeat=$2; shift 2 ;;
  --keep-logs) keep_logs=$(realpath -m "$2"); mkdir -p "$keep_logs"; shift 2 ;;
  --mail-messages | --db-attachments-mb) varied+=("$1" "$2"); shift 2 ;;
  *) echo "round.sh: unknown option '$1' (--sizes \"N1 N2 N3\", --repeat R, --jobs J, --compress L, --keep-logs DIR, --mail-messages N, --db-attachments-mb M)" >&2
     exit 2 ;;
  esac
done
: "${OU_TEST_PG_URI:?set OU_TEST_PG_URI (scripts/pg-cluster.sh start DIR prints it)}"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/common.sh
. "$here/common.sh"
bench_programs round.sh "$build"
work=$(mktemp -d /var/tmp/ou-bench-round.XXXXXX)
trap bench_cleanup EXIT


# round N R: test-request (round R of the project) with a log file; appends its split, wall time
# and own CPU time to $work/res-N/rounds.jsonl, then drops its test database.
run_round() {
  local n=$1 r=$2 t0 wall cpu
  [ -f "$work/p/odoo-upgrade.json" ] || initiate_project
  t0=$(now)
  (cd "$work/p" && perf stat --no-inherit -x, -e task-clock -o "$work/perf.csv" -- \
    "$binary" -q --log-file "$work/round-$n-$r.log" test-request --contract BENCH --jobs "$jobs" --compress "$compress" \
    >/dev/null 2>"$work/round.err") || { cat "$work/round.err" >&2; exit 1; }
  wall=$(since "$t0")
  cpu=$(awk -F, '/task-clock/ {printf "%.2f", $1 / 1000}' "$work/perf.csv")
  python3 "$here/round_timeline.py" "$work/p/odoo-upgrade.json" "$work/round-$n-$r.log" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); d["wall_s"]=float(sys.argv[1]); d["cpu_s"]=float(sys.argv[2]); print(json.dumps(d))' \
      "$wall" "$cpu" >>"$work/res-$n/rounds.jsonl"
  [ -n "$keep_logs" ] && cp "$work/round-$n-$r.log" "$keep_logs/"
  for db in $(sql "SELECT datname FROM pg_database WHERE datname LIKE 'ou\_bench\_uat\_prod\_test%'"); do
    sql "DROP DATABASE \"$db\" WITH (FORCE)" >/dev/null
    rm -rf "$work/data/filestore/$db"
  done
}

# floor N: each step of the floor timed on its own, appended to $work/res-N/floors.txt (dump, up,
# up-local, down, restore, links).
run_floor() {
  local n=$1 db=ou_bench_uat_prod id result
  rm -rf "$work/floor" && mkdir -p "$work/floor"
  id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rounds"][-1]["request_id"])' \
    "$work/p/odoo-upgrade.json")
  result=$work/sandbox/requests/$id/root/data
  timed f_dump pg_dump -Fd -j"$jobs" -Z"$compress" --no-owner -f "$work/floor/dump" -d "$(uri_of "$db")"
  timed f_up floor_rsync "$work/floor/dump/" "127.0.0.1:$work/floor/up/"
  timed f_up_local rsync -a "$work/floor/dump/" "$work/floor/up-local/"
  mkdir -p "$work/floor/down"
  timed f_down floor_rsync --ignore-missing-args "127.0.0.1:$result/upgraded.dump" \
    "127.0.0.1:$result/filestore" "127.0.0.1:$result/upgrade-report.html" \
    "127.0.0.1:$result/upgrade.log" "$work/floor/down/"
  sql "CREATE DATABASE ou_bench_uat_floor"
  timed f_restore pg_restore -Fd -j"$jobs" --no-owner -d "$(uri_of ou_bench_uat_floor)" \
    "$work/floor/down/upgraded.dump"
  floor_links() {
    cp -al "$work/data/filestore/$db" "$work/floor/filestore"
    if [ -d "$work/floor/down/filestore" ]; then cp -al "$work/floor/down/filestore/." "$work/floor/filestore/"; fi
  }
  timed f_links floor_links
  sql "DROP DATABASE ou_bench_uat_floor WITH (FORCE)" >/dev/null
  echo "$f_dump $f_up $f_up_local $f_down $f_restore $f_links" >>"$work/res-$n/floors.txt"
}

# report N: the hop table of this size: the fastest round and each floor step's fastest time.
report() {
  local n=$1
  python3 - "$work/res-$n" "$n" "$db_mb" "$dump_mb" <<'PY'
import json, statistics, sys
res, n, db_mb, dump_mb = sys.argv[1:5]
rounds = [json.loads(line) for line in open(f"{res}/rounds.jsonl")]
floors = [list(map(float, line.split())) for line in open(f"{res}/floors.txt")]
def round_s(s):
    return s["wall_s"] - (s["timings"].get("processing_s") or 0)
split = min(rounds, key=round_s)
f_dump, f_up, f_up_local, f_down, f_restore, f_links = (min(c) for c in zip(*floors))
t, hops = split["timings"], split["hops"]
rec = {k: t.get(k + "_s") or 0 for k in ("dump", "upload", "download", "restore")}
total = round_s(split)
floor = {"dump": f_dump, "upload": f_up, "download": f_down, "restore": f_restore + f_links}
floor_s = sum(floor.values())
what = {"dump": "pg_dump", "upload": "rsync over ssh", "download": "rsync over ssh",
        "restore": "pg_restore + cp -al"}
print(f"\nsize {n}: production {db_mb} MB, dump {dump_mb} MB, filestore {int(n) * 4} files "
      f"(mode {split.get('filestore_mode')}); best of {len(rounds)} rounds and {len(floors)} floors; "
      f"odoo-upgrade's own CPU {split['cpu_s']:.2f} s")
floor_totals = [f[0] + f[1] + f[3] + f[4] + f[5] for f in floors]
med_round = statistics.median(round_s(r) for r in rounds)
med_floor = statistics.median(floor_totals)
print("  rounds (s): " + ", ".join(f"{round_s(r):.1f}" for r in rounds) +
      "; floors (s): " + ", ".join(f"{f:.1f}" for f in floor_totals) +
      f"; medians {med_round:.1f} / {med_floor:.1f} = {med_round / med_floor:.2f}x")
print(f"  {'hop':<10} {'round s':>8} {'children':<34} {'own s':>7} {'floor s':>8} "
      f"{'ratio':>6}  floor step")
for hop in ("dump", "upload", "download", "restore"):
    h = hops.get(hop, {})
    kids = ", ".join(f"{k} {v:.2f}" for k, v in h.get("children_s", {}).items())
    print(f"  {hop:<10} {rec[hop]:8.2f} {kids:<34} {h.get('own_s', 0):7.2f} {floor[hop]:8.2f} "
          f"{rec[hop] / floor[hop]:5.2f}x  {what[hop]}")
rest = total - sum(rec.values())
print(f"  {'rest':<10} {rest:8.2f} {'(HTTP calls, checks, saves)':<34} {'':>7} {0:8.2f}")
print(f"  {'total':<10} {total:8.2f} {'':<34} {'':>7} {floor_s:8.2f} {total / floor_s:5.2f}x"
      f"  (local rsync up for reference: {f_up_local:.2f} s)")
PY
}

start_sandbox
start_floor_sshd
echo "$(machine_line); jobs $jobs, gzip level $compress"
for n in $sizes; do
  scale "$n"
  db_mb=$(sql "SELECT pg_database_size('ou_bench_uat_prod') / 1048576")
  echo "size $n: load average before $(cut -d' ' -f1-3 /proc/loadavg)"
  mkdir -p "$work/res-$n"
  for r in $(seq 1 "$repeat"); do
    run_round "$n" "$r"
    run_floor "$n"
  done
  dump_mb=$(du -sm "$work/floor/dump" | cut -f1)
  report "$n"
  echo "  load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  drop_bench_dbs
done
