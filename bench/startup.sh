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
# `--binary` measures another build of odoo-upgrade (a baseline) in the same run, on the same
# project: each command of both builds, interleaved in one hyperfine run, printed side by side.
set -euo pipefail

build=${1:?usage: bench/startup.sh BUILD [--runs N] [--binary PATH]}
shift
runs=50
binary="$build/odoo-upgrade"
baseline=""
while [ $# -gt 0 ]; do
  case "$1" in
  --runs) runs=$2; shift 2 ;;
  --binary) baseline=$2; shift 2 ;;
  *) echo "startup.sh: unknown option '$1' (--runs N, --binary PATH)" >&2; exit 2 ;;
  esac
done
: "${OU_TEST_PG_URI:?set OU_TEST_PG_URI (scripts/pg-cluster.sh start DIR prints it)}"
binary=$(realpath "$binary")
[ -x "$binary" ] || { echo "startup.sh: no binary '$binary'" >&2; exit 2; }
if [ -n "$baseline" ]; then
  baseline=$(realpath "$baseline")
  [ -x "$baseline" ] || { echo "startup.sh: no binary '$baseline'" >&2; exit 2; }
fi

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
# The commands of one build, /bin/true first.
commands_of() {
  echo "/bin/true"
  for args in "--version" "help status" "completion bash" "status" "--json status" \
    "status --all $work/customers"; do
    echo "$1 $args"
  done
}
mapfile -t commands < <(commands_of "$binary")

echo "odoo-upgrade start-up: $binary${baseline:+ (baseline: $baseline)}"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
if command -v hyperfine >/dev/null; then
  # With a baseline: one run, each command of the baseline then of the build (the same /bin/true).
  all=("${commands[@]}")
  if [ -n "$baseline" ]; then
    mapfile -t before < <(commands_of "$baseline")
    all=("/bin/true")
    for i in $(seq 1 $((${#commands[@]} - 1))); do
      all+=("${before[$i]}" "${commands[$i]}")
    done
  fi
  hyperfine -N --ignore-failure --warmup 5 --runs "$runs" --export-json "$work/times.json" \
    "${all[@]}" >/dev/null 2>&1
  python3 - "$work/times.json" "${baseline:+baseline}" "${names[@]}" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
paired, names = sys.argv[2] == "baseline", sys.argv[3:]
base = results[0]["median"]
if not paired:
    print(f"{'command':<30} {'median':>10} {'vs /bin/true':>13}")
    for name, r in zip(names, results):
        print(f"{name:<30} {r['median'] * 1000:>8.1f} ms {r['median'] / base:>12.1f}x")
    sys.exit(0)
print(f"{'command':<30} {'baseline':>10} {'vs /bin/true':>13} {'build':>10} {'vs /bin/true':>13}")
print(f"{names[0]:<30} {base * 1000:>7.1f} ms {1:>12.1f}x {base * 1000:>7.1f} ms {1:>12.1f}x")
for k, name in enumerate(names[1:]):
    b, a = results[1 + 2 * k]["median"], results[2 + 2 * k]["median"]
    print(f"{name:<30} {b * 1000:>7.1f} ms {b / base:>12.1f}x {a * 1000:>7.1f} ms {a / base:>12.1f}x")
PY
else
  echo "(hyperfine not installed: a loop of $runs runs, mean; the build only, not --binary)"
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
