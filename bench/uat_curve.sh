#!/usr/bin/env bash
# P2 at three sizes (issue 15): `uat run`'s automated checks vs a plain sequential read of the
# compared tables in both databases, by bench/uat_bench, at each size N (journal items, contacts and
# products copied N, N/3 and N/5 times, as P1 and P3). Prints, per size, the rows compared, the
# baseline, the checks on identical databases and with one product price changed, with their ratio
# to the baseline (best of --repeat runs, after one warm-up read), and the load average.
#
#   bench/uat_curve.sh BUILD [--sizes "500 2000 8000"] [--repeat 3]
#
# Needs OU_TEST_PG_URI with the fixture template ou_fixture_odoo17 (tests/support/load-fixtures.sh)
# and `cmake --build BUILD --target uat_bench`. Drops its databases at the end.
set -euo pipefail

build=${1:?usage: bench/uat_curve.sh BUILD [--sizes "N1 N2 N3"] [--repeat R]}
shift
sizes="500 2000 8000"
repeat=3
while [ $# -gt 0 ]; do
  case "$1" in
  --sizes) sizes=$2; shift 2 ;;
  --repeat) repeat=$2; shift 2 ;;
  *) echo "uat_curve.sh: unknown option '$1' (--sizes \"N1 N2 N3\", --repeat R)" >&2; exit 2 ;;
  esac
done
: "${OU_TEST_PG_URI:?set OU_TEST_PG_URI (scripts/pg-cluster.sh start DIR prints it)}"
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "$build")
bench="$build/bench/uat_bench"
[ -x "$bench" ] || { echo "uat_curve.sh: build $bench first" >&2; exit 2; }

work=$(mktemp -d /var/tmp/ou-bench-uat.XXXXXX)
# shellcheck source=bench/common.sh
. "$here/common.sh"
trap bench_cleanup EXIT

echo "$(machine_line); best of $repeat"
printf '%-6s %10s %7s %10s %10s %7s %10s %7s  %s\n' size rows "db MB" "baseline" "identical" \
  ratio "1 change" ratio "load average"
for n in $sizes; do
  drop_bench_dbs
  "$bench" --pg "$OU_TEST_PG_URI" --move-line-copies "$n" --partner-copies $((n / 3)) \
    --product-copies $((n / 5)) --repeat "$repeat" >"$work/uat.txt" 2>"$work/uat.err" --keep
  db_mb=$(sql "SELECT pg_database_size('ou_bench_uat_prod') / 1048576")
  python3 - "$work/uat.txt" "$n" "$db_mb" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rows = re.search(r"per database\): (\d+)", text).group(1)
base = float(re.search(r"baseline: sequential read of both databases +([0-9.]+) s", text).group(1))
same = float(re.search(r"uat, identical databases +([0-9.]+) s", text).group(1))
diff = float(re.search(r"uat, one product price changed +([0-9.]+) s", text).group(1))
print(f"{sys.argv[2]:<6} {rows:>10} {sys.argv[3]:>7} {base:9.2f}s {same:9.2f}s {same / base:6.2f}x "
      f"{diff:9.2f}s {diff / base:6.2f}x  {sys.argv[4]}")
PY
done
