#!/usr/bin/env bash
# Peak memory (RSS) of odoo-upgrade as the database grows (issue 15, P3; target: flat, at most
# 64 MB). At each size the Odoo 17 fixture is scaled by bench/uat_bench (journal items, contacts and
# products copied N, N/3 and N/5 times: docs/benchmarks.md), then:
#   - `initiate` on the scaled database and `status` of that project, each under /usr/bin/time
#     (its "Maximum resident set size": the program's own, no child runs in these two);
#   - every automated UAT check (`commands::run_uat_checks`, what `uat run` runs) in uat_bench's
#     process, beside its plain sequential read of the same tables (getrusage, high-water marks).
#
#   bench/rss.sh BUILD [--sizes "500 2000 8000"]
#
# Needs OU_TEST_PG_URI with the fixture template ou_fixture_odoo17 (tests/support/load-fixtures.sh)
# and `cmake --build BUILD --target uat_bench odoo-upgrade`. Drops its databases at the end.
set -euo pipefail

build=${1:?usage: bench/rss.sh BUILD [--sizes "N1 N2 N3"]}
shift
sizes="500 2000 8000"
while [ $# -gt 0 ]; do
  case "$1" in
  --sizes) sizes=$2; shift 2 ;;
  *) echo "rss.sh: unknown option '$1' (--sizes \"N1 N2 N3\")" >&2; exit 2 ;;
  esac
done
: "${OU_TEST_PG_URI:?set OU_TEST_PG_URI (scripts/pg-cluster.sh start DIR prints it)}"
build=$(realpath "$build")
binary="$build/odoo-upgrade"
bench="$build/bench/uat_bench"
[ -x "$binary" ] && [ -x "$bench" ] || { echo "rss.sh: build odoo-upgrade and uat_bench first" >&2; exit 2; }

work=$(mktemp -d /tmp/ou-bench-rss.XXXXXX)
cleanup() {
  for db in ou_bench_uat_prod ou_bench_uat_test; do
    psql "$OU_TEST_PG_URI" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
prod_uri=$(printf '%s' "$OU_TEST_PG_URI" | sed -E "s/dbname=[^ ]*/dbname=ou_bench_uat_prod/")

# Peak RSS in MB of one run of odoo-upgrade ARGS in DIR (the exit status is not judged here:
# initiate exits 1 when a pre-flight check blocks, which changes nothing to its memory).
peak_mb() {
  local dir=$1
  shift
  (cd "$dir" && /usr/bin/time -f '%M' -o "$work/time.txt" "$binary" "$@" >/dev/null 2>&1) || true
  awk 'END {printf "%.1f", $1 / 1024}' "$work/time.txt"
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
printf '%-8s %12s %10s %10s %10s %12s %10s\n' size rows "db MB" initiate status "uat checks" baseline
for n in $sizes; do
  "$bench" --pg "$OU_TEST_PG_URI" --move-line-copies "$n" --partner-copies $((n / 3)) \
    --product-copies $((n / 5)) --repeat 1 --keep >"$work/uat.txt" 2>"$work/uat.err"
  rows=$(awk -F': ' '/^rows in the compared/ {print $2}' "$work/uat.txt")
  base=$(awk '/^peak RSS after the baseline/ {print $(NF-1)}' "$work/uat.txt")
  uat=$(awk '/^peak RSS after the uat checks/ {print $(NF-1)}' "$work/uat.txt")
  db_mb=$(psql "$OU_TEST_PG_URI" -Atc "SELECT pg_database_size('ou_bench_uat_prod') / 1048576")
  rm -rf "$work/p" && mkdir -p "$work/p"
  init=$(peak_mb "$work/p" initiate --customer Bench --db "$prod_uri" --target 18.0)
  status=$(peak_mb "$work/p" status)
  printf '%-8s %12s %10s %7s MB %7s MB %9s MB %7s MB\n' "$n" "$rows" "$db_mb" "$init" "$status" \
    "$uat" "$base"
done
