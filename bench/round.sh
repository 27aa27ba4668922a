#!/usr/bin/env bash
# A test round against the sandbox vs the floor (issue 15, P1; target: at most 1.2x), at three
# sizes. At each size the Odoo 17 fixture is scaled by bench/uat_bench (journal items, contacts and
# products copied N, N/3 and N/5 times) and given a filestore of 4N files of 8 KiB, then:
#   - round: `test-request` against odoo-upgrade-sandbox (no processing delay), its wall time
#     less the service's processing (`timings.processing_s`): dump, upload, download, restore,
#     filestore, checks and polls; and the sum of the four hops it records (`timings`);
#   - floor: `pg_dump -Fd -j4`, rsync of the dump there and back (local: no SSH), `pg_restore
#     -Fd -j4` into a new database and a hard-link copy (`cp -al`) of the filestore.
#
#   bench/round.sh BUILD [--sizes "500 2000 8000"]
#
# Needs OU_TEST_PG_URI with the fixture template ou_fixture_odoo17 (tests/support/load-fixtures.sh)
# and `cmake --build BUILD --target uat_bench odoo-upgrade odoo-upgrade-sandbox`. Drops its
# databases and files at the end.
set -euo pipefail

build=${1:?usage: bench/round.sh BUILD [--sizes "N1 N2 N3"]}
shift
sizes="500 2000 8000"
while [ $# -gt 0 ]; do
  case "$1" in
  --sizes) sizes=$2; shift 2 ;;
  *) echo "round.sh: unknown option '$1' (--sizes \"N1 N2 N3\")" >&2; exit 2 ;;
  esac
done
: "${OU_TEST_PG_URI:?set OU_TEST_PG_URI (scripts/pg-cluster.sh start DIR prints it)}"
build=$(realpath "$build")
binary="$build/odoo-upgrade"
sandbox_bin="$build/sandbox/odoo-upgrade-sandbox"
bench="$build/bench/uat_bench"
for b in "$binary" "$sandbox_bin" "$bench"; do
  [ -x "$b" ] || { echo "round.sh: build $b first" >&2; exit 2; }
done

work=$(mktemp -d /var/tmp/ou-bench-round.XXXXXX)
sandbox_pid=""
uri_of() { printf '%s' "$OU_TEST_PG_URI" | sed -E "s/dbname=[^ ]*/dbname=$1/"; }
sql() { psql "$OU_TEST_PG_URI" -Atqc "$1"; }
drop_bench_dbs() {
  for db in $(sql "SELECT datname FROM pg_database WHERE datname LIKE 'ou_bench_uat_%'"); do
    sql "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
cleanup() {
  [ -n "$sandbox_pid" ] && kill -TERM "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  drop_bench_dbs
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc -l; }

"$sandbox_bin" --state-dir "$work/sandbox" --pg "$OU_TEST_PG_URI" --processing-delay-ms 0 \
  >"$work/sandbox.out" 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 300); do
  [ -f "$work/sandbox/ready.json" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.log" >&2; exit 1; }
  sleep 0.2
done
ready() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
  "$work/sandbox/ready.json" "$1"; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
printf '%-6s %7s %7s %9s %9s %9s %7s\n' size "db MB" files "round s" "hops s" "floor s" ratio
for n in $sizes; do
  drop_bench_dbs
  "$bench" --pg "$OU_TEST_PG_URI" --move-line-copies "$n" --partner-copies $((n / 3)) \
    --product-copies $((n / 5)) --repeat 1 --keep >/dev/null 2>"$work/uat.err"
  sql "DROP DATABASE ou_bench_uat_test" >/dev/null
  db=ou_bench_uat_prod
  db_mb=$(sql "SELECT pg_database_size('$db') / 1048576")
  rm -rf "$work/data" "$work/p" "$work/floor" && mkdir -p "$work/p" "$work/floor"
  python3 - "$work/data/filestore/$db" $((n * 4)) <<'PY'
import hashlib, os, sys
root, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    data = os.urandom(8192)
    name = hashlib.sha1(data).hexdigest()
    os.makedirs(os.path.join(root, name[:2]), exist_ok=True)
    with open(os.path.join(root, name[:2], name), "wb") as f:
        f.write(data)
PY
  sync
  (cd "$work/p" && "$binary" -q initiate --customer Bench --db "$(uri_of "$db")" --target 18.0 \
    --data-dir "$work/data" --service-url "$(ready url)" --ca-file "$(ready ca_file)" \
    --data-server-user "$(ready ssh_user)" >/dev/null 2>&1) || [ -f "$work/p/odoo-upgrade.json" ]
  t0=$(now)
  (cd "$work/p" && "$binary" -q test-request --contract BENCH >/dev/null 2>"$work/round.err") ||
    { cat "$work/round.err" >&2; exit 1; }
  wall=$(since "$t0")
  read -r processing hops < <(python3 - "$work/p/odoo-upgrade.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["rounds"][-1]["timings"]
hops = sum(t.get(k) or 0 for k in ("dump_s", "upload_s", "download_s", "restore_s"))
print(t.get("processing_s") or 0, hops)
PY
)
  round=$(echo "$wall - $processing" | bc -l)
  t0=$(now)
  pg_dump -Fd -j4 --no-owner -f "$work/floor/dump" -d "$(uri_of "$db")"
  rsync -a "$work/floor/dump/" "$work/floor/up/"
  rsync -a "$work/floor/up/" "$work/floor/down/"
  sql "CREATE DATABASE ou_bench_uat_floor"
  pg_restore -Fd -j4 --no-owner -d "$(uri_of ou_bench_uat_floor)" "$work/floor/down"
  cp -al "$work/data/filestore/$db" "$work/floor/filestore"
  floor=$(since "$t0")
  printf '%-6s %7s %7s %9.1f %9.1f %9.1f %6.2fx\n' "$n" "$db_mb" $((n * 4)) "$round" "$hops" \
    "$floor" "$(echo "$round / $floor" | bc -l)"
done
