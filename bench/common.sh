# Shared by bench/round.sh and bench/golive.sh (sourced, not run): the PostgreSQL helpers, the
# sandbox, and the fixture scaled N times. The caller calls bench_programs, sets `work` (a
# temporary folder), and calls bench_cleanup from its EXIT trap.
sandbox_pid=""
# bench_programs SCRIPT BUILD: sets `build` (absolute), `binary`, `sandbox_bin` and `bench`, the
# programs the benchmarks run; exit 2 naming SCRIPT when one is not built.
bench_programs() {
  build=$(realpath "$2")
  binary="$build/odoo-upgrade"
  sandbox_bin="$build/sandbox/odoo-upgrade-sandbox"
  bench="$build/bench/uat_bench"
  for b in "$binary" "$sandbox_bin" "$bench"; do
    [ -x "$b" ] || { echo "$1: build $b first" >&2; exit 2; }
  done
}
uri_of() { printf '%s' "$OU_TEST_PG_URI" | sed -E "s/dbname=[^ ]*/dbname=$1/"; }
sql() { psql "$OU_TEST_PG_URI" -Atqc "$1"; }
drop_bench_dbs() {
  for db in $(sql "SELECT datname FROM pg_database WHERE datname LIKE 'ou\_bench\_uat\_%'"); do
    sql "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
bench_cleanup() {
  [ -n "$sandbox_pid" ] && kill -TERM "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  drop_bench_dbs
  rm -rf "$work"
}
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc -l; }
# timed VAR COMMAND...: runs COMMAND, stores its wall seconds in VAR.
timed() {
  local var=$1 t0
  shift
  t0=$(now)
  "$@"
  printf -v "$var" '%.2f' "$(since "$t0")"
}
machine_line() {
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(uname -r);" \
    "PostgreSQL $(psql "$OU_TEST_PG_URI" -Atc 'SHOW server_version');" \
    "$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt") build; $(date -u +%FT%TZ)"
}

start_sandbox() {
  "$sandbox_bin" --state-dir "$work/sandbox" --pg "$OU_TEST_PG_URI" --processing-delay-ms 0 \
    >"$work/sandbox.out" 2>"$work/sandbox.log" &
  sandbox_pid=$!
  for _ in $(seq 1 300); do
    [ -f "$work/sandbox/ready.json" ] && return 0
    kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "bench: the sandbox did not start" >&2
  exit 1
}
ready() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
  "$work/sandbox/ready.json" "$1"; }

# scale N: production ou_bench_uat_prod (bench/uat_bench: journal items, contacts and products
# copied N, N/3 and N/5 times) with a filestore of 4N files of 8 KiB under $work/data.
scale() {
  local n=$1 db=ou_bench_uat_prod
  drop_bench_dbs
  "$bench" --pg "$OU_TEST_PG_URI" --move-line-copies "$n" --partner-copies $((n / 3)) \
    --product-copies $((n / 5)) --repeat 1 --keep >/dev/null 2>"$work/uat.err"
  sql "DROP DATABASE ou_bench_uat_test" >/dev/null
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
}

# initiate_project: the project in $work/p for the scaled production, against the sandbox.
initiate_project() {
  (cd "$work/p" && "$binary" -q initiate --customer Bench --db "$(uri_of ou_bench_uat_prod)" \
    --target 18.0 --data-dir "$work/data" --service-url "$(ready url)" \
    --ca-file "$(ready ca_file)" --data-server-user "$(ready ssh_user)" >/dev/null 2>&1) ||
    [ -f "$work/p/odoo-upgrade.json" ]
}
