#!/usr/bin/env bash
# The transfer defaults chosen from measurement (issue 15): pg_dump's jobs and compression level,
# rsync's options for the upload, pg_restore's jobs. On the fixture scaled N times with varied data
# (bench/common.sh `scale`: chatter messages of prose and attachments stored in the database, so
# that the dump is made of what a customer's is made of), each configuration is timed on its own,
# in one run:
#   - dump: `pg_dump -Fd --no-owner` with --jobs 1, 2, 4 at pg_dump's default compression (gzip 6,
#     what odoo-upgrade and Odoo's own script run), and with -Z 0 and -Z 1 at --jobs 4: wall and CPU
#     seconds (user + system of pg_dump and its workers; the server's share is not counted), bytes;
#   - upload: rsync over SSH on loopback (an sshd configured as the sandbox's, the client options
#     of adapters/transfer/rsync_transfer.cpp) of each dump, and of the uncompressed one with
#     rsync's own compression (-z); then the dump + upload time at customer bandwidths (the bytes
#     over the link's rate, plus the dump: the upload starts when the dump is complete);
#   - restore: `pg_restore -Fd --no-owner` of the default dump with --jobs 1, 2, 4, and of the
#     uncompressed dump with --jobs 4, each into a new database.
# Each timing is the fastest of --repeat runs (default 2). Ratios are to pg_dump's own defaults
# (--jobs 4 as odoo-upgrade and Odoo's script run it, gzip level 6) for the dump and the upload, and
# to --jobs 4 for the restore.
#
#   bench/defaults.sh BUILD [--size N] [--mail-messages N] [--db-attachments-mb M] [--repeat R]
#     [--bandwidths "10 100 1000"]   (Mbit/s)
#
# Needs OU_TEST_PG_URI with the fixture template ou_fixture_odoo17 (tests/support/load-fixtures.sh)
# and `cmake --build BUILD --target uat_bench odoo-upgrade odoo-upgrade-sandbox`; /usr/sbin/sshd,
# rsync, /usr/bin/time. Drops its databases and files at the end.
set -euo pipefail

build=${1:?usage: bench/defaults.sh BUILD [--size N] [--mail-messages N] [--db-attachments-mb M] [--repeat R] [--bandwidths "MBIT..."]}
shift
size=2000
repeat=2
bandwidths="10 100 1000"
varied=()
while [ $# -gt 0 ]; do
  case "$1" in
  --size) size=$2; shift 2 ;;
  --repeat) repeat=$2; shift 2 ;;
  --bandwidths) bandwidths=$2; shift 2 ;;
  --mail-messages | --db-attachments-mb) varied+=("$1" "$2"); shift 2 ;;
  *) echo "defaults.sh: unknown option '$1' (--size N, --mail-messages N, --db-attachments-mb M, --repeat R, --bandwidths \"MBIT...\")" >&2
     exit 2 ;;
  esac
done
[ ${#varied[@]} -gt 0 ] || varied=(--mail-messages 1000000 --db-attachments-mb 256)
: "${OU_TEST_PG_URI:?set OU_TEST_PG_URI (scripts/pg-cluster.sh start DIR prints it)}"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/common.sh
. "$here/common.sh"
bench_programs defaults.sh "$build"
work=$(mktemp -d /var/tmp/ou-bench-defaults.XXXXXX)
trap bench_cleanup EXIT
results=$work/results.txt

# measure KIND NAME COMMAND...: runs COMMAND --repeat times (PREPARE, when set, before each run),
# appends "KIND NAME wall cpu" of the fastest run to $results.
measure() {
  local kind=$1 name=$2 best_wall="" best_cpu="" r wall cpu
  shift 2
  for r in $(seq 1 "$repeat"); do
    [ -n "${prepare:-}" ] && eval "$prepare"
    sync
    /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >/dev/null 2>"$work/err" ||
      { cat "$work/err" >&2; exit 1; }
    read -r wall u s <"$work/time"
    cpu=$(echo "$u + $s" | bc -l)
    if [ -z "$best_wall" ] || [ "$(echo "$wall < $best_wall" | bc -l)" = 1 ]; then
      best_wall=$wall best_cpu=$cpu
    fi
  done
  echo "$kind $name $best_wall $best_cpu" >>"$results"
}
bytes_of() { du -sb "$1" | cut -f1; }

echo "$(machine_line)"
scale "$size"
prod=ou_bench_uat_prod
echo "production: $(sql "SELECT pg_size_pretty(pg_database_size('$prod'))"); varied data: ${varied[*]}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start_floor_sshd

# Dumps: jobs at the default compression, then compression levels at 4 jobs.
for j in 1 2 4; do
  prepare="rm -rf $work/dump-j$j"
  measure dump "j$j" pg_dump -Fd -j"$j" --no-owner -f "$work/dump-j$j" -d "$(uri_of $prod)"
done
for z in 0 1; do
  prepare="rm -rf $work/dump-z$z"
  measure dump "z$z" pg_dump -Fd -j4 -Z"$z" --no-owner -f "$work/dump-z$z" -d "$(uri_of $prod)"
done
for d in j1 j2 j4 z0 z1; do echo "bytes $d $(bytes_of "$work/dump-$d")" >>"$results"; done

# Uploads over SSH, as the round sends them.
for d in j4 z1 z0; do
  prepare="rm -rf $work/up-$d"
  measure upload "$d" rsync --partial --timeout=120 -a -e "$floor_ssh" "$work/dump-$d/" \
    "127.0.0.1:$work/up-$d/"
done
prepare="rm -rf $work/up-z0z"
measure upload z0-rsync-z rsync --partial --timeout=120 -a -z -e "$floor_ssh" "$work/dump-z0/" \
  "127.0.0.1:$work/up-z0z/"

# Restores, each into a new database.
restore_into() { sql "DROP DATABASE IF EXISTS ou_bench_uat_restore WITH (FORCE)" >/dev/null
  sql "CREATE DATABASE ou_bench_uat_restore" >/dev/null; }
prepare=restore_into
for j in 1 2 4; do
  measure restore "j$j" pg_restore -Fd -j"$j" --no-owner -d "$(uri_of ou_bench_uat_restore)" "$work/dump-j4"
done
measure restore z0-j4 pg_restore -Fd -j4 --no-owner -d "$(uri_of ou_bench_uat_restore)" "$work/dump-z0"
prepare=""
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" "$bandwidths" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1])]
t = {(r[0], r[1]): tuple(map(float, r[2:])) for r in rows if r[0] != "bytes"}
size = {r[1]: int(r[2]) for r in rows if r[0] == "bytes"}
mb = lambda b: b / 1048576
print("\npg_dump -Fd (fastest run): wall, CPU of pg_dump, bytes; ratio of wall to pg_dump's own "
      "default (--jobs 4, gzip 6: what Odoo's script runs)")
names = {"j1": "--jobs 1", "j2": "--jobs 2", "j4": "--jobs 4, gzip 6", "z0": "--jobs 4 -Z 0",
         "z1": "--jobs 4 -Z 1 (ours)"}
base = t[("dump", "j4")][0]
for d in ("j1", "j2", "j4", "z0", "z1"):
    w, c = t[("dump", d)]
    print(f"  {names[d]:<22} {w:7.2f} s  cpu {c:7.2f} s  {mb(size[d]):8.1f} MB  {w / base:5.2f}x")
print("\nupload: rsync over SSH on loopback (fastest run)")
up_base = t[("upload", "j4")][0]
for d, what in (("j4", "gzip 6 dump"), ("z1", "gzip 1 dump (ours)"), ("z0", "uncompressed dump"),
                ("z0-rsync-z", "uncompressed dump, rsync -z")):
    w, c = t[("upload", d)]
    print(f"  {what:<30} {w:7.2f} s  {w / up_base:5.2f}x")
print("\ndump + upload at a customer's bandwidth (dump wall + bytes / rate; Mbit/s)")
bws = [float(b) for b in sys.argv[2].split()]
print("  " + f"{'':<22}" + "".join(f"{int(b):>10} Mbit/s" for b in bws) + "    loopback")
tot = {}
for d in ("j4", "z1", "z0"):
    w = t[("dump", d)][0]
    cells = []
    for b in bws:
        s = w + size[d] * 8 / (b * 1e6)
        tot.setdefault(b, {})[d] = s
        cells.append(f"{s:10.1f} s ({s / (t[('dump', 'j4')][0] + size['j4'] * 8 / (b * 1e6)):4.2f}x)")
    loop = w + t[("upload", d)][0]
    print(f"  {names[d]:<22}" + "".join(cells) + f"  {loop:8.1f} s")
print("\npg_restore -Fd (fastest run); ratio to --jobs 4 (ours, and Odoo's script's)")
rb = t[("restore", "j4")][0]
for d, what in (("j1", "--jobs 1"), ("j2", "--jobs 2"), ("j4", "--jobs 4"),
                ("z0-j4", "--jobs 4, uncompressed dump")):
    w, c = t[("restore", d)]
    print(f"  {what:<28} {w:7.2f} s  cpu {c:6.2f} s  {w / rb:5.2f}x")
PY
