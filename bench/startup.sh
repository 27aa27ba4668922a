#!/usr/bin/env bash
# Start-up cost of odoo-upgrade (issue 15, P4): the median wall time of commands that never reach
# PostgreSQL nor HTTPS, each beside /bin/true measured in the same run, and `status --all` over 200
# projects. Prints each median and its ratio to /bin/true (target: `status` within 3x).
#
#   bench/startup.sh BUILD [--runs N] [--binary PATH]
#
# Needs a PostgreSQL named by OU_TEST_PG_URI with the fixture template ou_fixture_odoo17 loaded
# (tests/support/load-fixtures.sh): the project is made by a real `initiate` of a copy of it
# (dropped at the end). Uses hyperfine (Debian's package) when installed, else a loop of `date`.
# `--binary` measures another build of odoo-upgrade (e.g. a baseline) with the same project.
set -euo pipefail

build=${1:?usage: bench/startup.sh BUILD [--runs N] [--binary PATH]}
shift
runs=50
binary="$build/odoo-upgrade"
while [ $# -gt 0 ]; do
  case "$1" in
  --runs) runs=$2; shift 2 ;;
  --binary) binary=$2; shift 2 ;;
  *) echo "startup.sh: unknown option '$1' (--runs N, --binary PATH)" >&2; exit 2 ;;
  esac
done
: "${OU_TEST_PG_URI:?set OU_TEST_PG_URI (scripts/pg-cluster.sh start DIR prints it)}"
binary=$(realpath "$binary")
[ -x "$binary" ] || { echo "startup.sh: no binary '$binary'" >&2; exit 2; }

work=$(mktemp -d /tmp/ou-bench-startup.XXXXXX)
db=ou_bench_startup_$$
pg_uri_db() { printf '%s' "$OU_TEST_PG_URI" | sed -E "s/dbname=[^ ]*/dbname=$1/"; }
cleanup() {
  psql "$OU_TEST_PG_URI" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# One real project (initiate of a copy of the Odoo 17 fixture), then 200 customers holding it.
psql "$OU_TEST_PG_URI" -qc "CREATE DATABASE $db TEMPLATE ou_fixture_odoo17" >/dev/null
mkdir -p "$work/acme"
(cd "$work/acme" && "$binary" -q initiate --customer Acme --db "$(pg_uri_db "$db")" \
  --target 18.0 >/dev/null 2>&1) || [ -f "$work/acme/odoo-upgrade.json" ]
for i in $(seq -w 1 200); do
  mkdir -p "$work/customers/c$i"
  cp "$work/acme/odoo-upgrade.json" "$work/customers/c$i/odoo-upgrade.json"
done

cd "$work/acme"
names=("/bin/true" "--version" "help status" "completion bash" "status" "status --json"
  "status --all (200 projects)")
commands=("/bin/true" "$binary --version" "$binary help status" "$binary completion bash"
  "$binary status" "$binary --json status" "$binary status --all $work/customers")

echo "odoo-upgrade start-up: $binary"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
if command -v hyperfine >/dev/null; then
  hyperfine -N --ignore-failure --warmup 5 --runs "$runs" --export-json "$work/times.json" \
    "${commands[@]}" >/dev/null 2>&1
  python3 - "$work/times.json" "${names[@]}" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
names = sys.argv[2:]
base = results[0]["median"]
print(f"{'command':<30} {'median':>10} {'vs /bin/true':>13}")
for name, r in zip(names, results):
    print(f"{name:<30} {r['median'] * 1000:>8.1f} ms {r['median'] / base:>12.1f}x")
PY
else
  echo "(hyperfine not installed: a loop of $runs runs, mean)"
  base=""
  for i in "${!commands[@]}"; do
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do ${commands[$i]} >/dev/null 2>&1 || true; done
    ns=$(( ($(date +%s%N) - start) / runs ))
    [ -n "$base" ] || base=$ns
    printf '%-30s %8.1f ms %12.1fx\n' "${names[$i]}" "$(echo "$ns / 1000000" | bc -l)" \
      "$(echo "$ns / $base" | bc -l)"
  done
fi
