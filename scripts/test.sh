#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine: installs the dependencies, builds (warnings are
# errors), starts a throwaway PostgreSQL on loopback, runs every test with ctest, stops the server.
#
#   scripts/test.sh                 all tests
#   scripts/test.sh -L unit         only unit tests (any ctest arguments are passed on)
#   OU_SANITIZE=address,undefined scripts/test.sh    the same under ASan+UBSan (own build dir)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The target Odoo for the tests that drive it: from ../shared when it is there (CI has it), or the
# folder OU_TEST_ODOO17 already names (see scripts/odoo-runtime.sh); without either those tests
# report themselves skipped.
odoo_source=$root/../shared/fixtures/odoo17-runtime
# Chromium too: the browser test renders the HTML UAT report (OU_NO_BROWSER=1 leaves it out, and
# that test reports itself skipped).
deps=()
[ "${OU_NO_BROWSER:-}" = 1 ] || deps+=(--browser)
if [ -n "${OU_TEST_ODOO17:-}" ] || [ -f "$odoo_source/odoo17-runtime.tar.xz" ]; then
  deps+=(--odoo)
fi
"$root/scripts/install-deps.sh" "${deps[@]}"

sanitize=${OU_SANITIZE:-}
build=${OU_BUILD_DIR:-$root/build-test${sanitize:+-asan}}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=${OU_BUILD_TYPE:-RelWithDebInfo} \
  -DOU_WARNINGS_AS_ERRORS=ON -DOU_SANITIZE="$sanitize" >/dev/null
cmake --build "$build" -j"$(nproc)"
if [ -z "${OU_TEST_ODOO17:-}" ]; then
  OU_TEST_ODOO17=$("$root/scripts/odoo-runtime.sh" "$build/odoo17-runtime" "$odoo_source")
fi
export OU_TEST_ODOO17

pgdir=$(mktemp -d /tmp/ou-test-pg.XXXXXX)
chmod 755 "$pgdir"
cleanup() {
  "$root/scripts/pg-cluster.sh" stop "$pgdir" || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
OU_TEST_PG_URI=$("$root/scripts/pg-cluster.sh" start "$pgdir")
export OU_TEST_PG_URI
if [ -n "$sanitize" ]; then
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi
cd "$build"
ctest --output-on-failure -j"$(nproc)" "$@"
