#!/usr/bin/env bash
# Checks the dependency direction of docs/ARCHITECTURE.md: only adapters/ includes libpq and
# libcurl, only cli/ includes CLI11, inner layers never include outer ones, and commands/ holds no
# SQL (it belongs in adapters/pg, behind functions named after what they do).
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
# check DESCRIPTION PATTERN PATHS... : PATTERN must not occur in PATHS.
check() {
  local what=$1 pattern=$2
  shift 2
  local hits
  hits=$(git grep -nE "$pattern" -- "$@" || true)
  if [ -n "$hits" ]; then
    echo "layering: $what:"
    echo "$hits"
    fail=1
  fi
}
outer_than_adapters=(src/core include/odoo_upgrade/core src/commands include/odoo_upgrade/commands src/cli include/odoo_upgrade/cli)
check "libpq/libcurl outside adapters/" '#include <(libpq-fe\.h|curl/curl\.h)>' "${outer_than_adapters[@]}"
check "CLI11 outside cli/" '#include <CLI/' src/core include/odoo_upgrade/core src/adapters include/odoo_upgrade/adapters src/commands include/odoo_upgrade/commands
check "core/ includes an outer layer" '#include <odoo_upgrade/(adapters|commands|cli)/' src/core include/odoo_upgrade/core
check "adapters/ includes commands/ or cli/" '#include <odoo_upgrade/(commands|cli)/' src/adapters include/odoo_upgrade/adapters
check "commands/ includes cli/" '#include <odoo_upgrade/cli/' src/commands include/odoo_upgrade/commands
check "SQL text in commands/ (move it to adapters/pg)" \
  '"[[:space:]]*(SELECT|UPDATE|INSERT|DELETE|DROP|CREATE|ALTER|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|TRUNCATE|GRANT|REVOKE|WITH)[[:space:]]' \
  src/commands include/odoo_upgrade/commands
# Tools and reviewers take a file or folder named test_* for a test.
named=$(git ls-files src include sandbox | grep -E '(^|/)test_' || true)
if [ -n "$named" ]; then
  echo "layering: product files named like tests (test_*):"
  echo "$named"
  fail=1
fi
exit $fail
