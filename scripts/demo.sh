#!/usr/bin/env bash
# The main job end to end on the bundled defaults, on a fresh Debian 12 machine: installs the
# dependencies, builds, starts a throwaway PostgreSQL, loads the bundled Odoo 17 demo database (with
# its filestore) as the customer's "production", then runs odoo-upgrade on it as a consultant would.
# Everything lives in OU_DEMO_DIR (default /tmp/odoo-upgrade-demo); the server is stopped at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"

build=${OU_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target odoo-upgrade
bin=$build/odoo-upgrade

demo=${OU_DEMO_DIR:-/tmp/odoo-upgrade-demo}
rm -rf "$demo"
mkdir -p "$demo/fixture" "$demo/odoo-data/filestore"
chmod 755 "$demo"
pg=$demo/pg
cleanup() { "$root/scripts/pg-cluster.sh" stop "$pg" || true; }
trap cleanup EXIT
conninfo=$("$root/scripts/pg-cluster.sh" start "$pg")
eval "$(echo "$conninfo" | tr ' ' '\n' | sed -n 's/^host=/export PGHOST=/p; s/^port=/export PGPORT=/p; s/^user=/export PGUSER=/p')"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "restoring the bundled Odoo 17 demo database as production database 'acme_prod'"
unzip -q "$root/tests/fixtures/odoo17_demo.zip" -d "$demo/fixture"
createdb acme_prod
psql -q -X -v ON_ERROR_STOP=1 -d acme_prod -f "$demo/fixture/dump.sql" >/dev/null
cp -r "$demo/fixture/filestore" "$demo/odoo-data/filestore/acme_prod"

cd "$demo"
step "odoo-upgrade initiate"
"$bin" initiate --customer "Acme Corp" --db "dbname=acme_prod" --target 18.0 \
  --data-dir "$demo/odoo-data"

step "odoo-upgrade status"
"$bin" status

step "done: the project file is $demo/odoo-upgrade.json"
