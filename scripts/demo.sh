#!/usr/bin/env bash
# The main job end to end on the bundled defaults, on a fresh Debian 12 machine: installs the
# dependencies, builds, starts a throwaway PostgreSQL, loads the bundled Odoo 17 demo database (with
# its filestore) as the customer's "production", starts the local stand-in upgrade platform
# (odoo-upgrade-sandbox), then rehearses the whole go-live as a consultant would: initiate, a test
# round, UAT and sign-off, freeze, the production request, restore (go-live) and monitoring.
# Everything lives in OU_DEMO_DIR (default /tmp/odoo-upgrade-demo); the servers are stopped at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"

build=${OU_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target odoo-upgrade odoo-upgrade-sandbox
bin=$build/odoo-upgrade
sandbox_bin=$build/sandbox/odoo-upgrade-sandbox
[ -x "$sandbox_bin" ] || sandbox_bin=$(find "$build" -name odoo-upgrade-sandbox -type f -perm -u+x | head -1)

demo=${OU_DEMO_DIR:-/tmp/odoo-upgrade-demo}
rm -rf "$demo"
mkdir -p "$demo/fixture" "$demo/odoo-data/filestore"
chmod 755 "$demo"
pg=$demo/pg
sandbox_pid=""
cleanup() {
  [ -n "$sandbox_pid" ] && kill -TERM "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  "$root/scripts/pg-cluster.sh" stop "$pg" || true
}
trap cleanup EXIT
conninfo=$("$root/scripts/pg-cluster.sh" start "$pg")
eval "$(echo "$conninfo" | tr ' ' '\n' | sed -n 's/^host=/export PGHOST=/p; s/^port=/export PGPORT=/p; s/^user=/export PGUSER=/p')"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "restoring the bundled Odoo 17 demo database as production database 'acme_prod'"
unzip -q "$root/tests/fixtures/odoo17_demo.zip" -d "$demo/fixture"
createdb acme_prod
psql -q -X -v ON_ERROR_STOP=1 -d acme_prod -f "$demo/fixture/dump.sql" >/dev/null
cp -r "$demo/fixture/filestore" "$demo/odoo-data/filestore/acme_prod"

step "starting the local stand-in upgrade platform (odoo-upgrade-sandbox, HTTPS + sshd on loopback)"
"$sandbox_bin" --state-dir "$demo/sandbox" --pg "$conninfo" --processing-delay-ms 2000 \
  >"$demo/sandbox.out" 2>"$demo/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 100); do
  [ -f "$demo/sandbox/ready.json" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$demo/sandbox.log" >&2; exit 1; }
  sleep 0.2
done
ready() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$demo/sandbox/ready.json" "$1"; }
service_url=$(ready url)
echo "upgrade service stand-in at $service_url"

cd "$demo"
step "odoo-upgrade initiate"
"$bin" initiate --customer "Acme Corp" --db "dbname=acme_prod" --target 18.0 \
  --data-dir "$demo/odoo-data" --service-url "$service_url" --ca-file "$(ready ca_file)" \
  --data-server-user "$(ready ssh_user)"

step "odoo-upgrade test-request (a full test round: dump, upload, upgrade, download, restore, verify)"
"$bin" test-request --contract DEMO-CONTRACT-0001

step "odoo-upgrade uat run (automated production-vs-test checks; exit 1 means blocking findings)"
"$bin" uat run || [ $? = 1 ]
"$bin" uat report --format html --output "$demo/uat-report.html"
"$bin" uat report --format junit --output "$demo/uat-junit.xml"
echo "customer report: $demo/uat-report.html"

step "the customer's tester works through the manual checklist (the rehearsal marks every item passed)"
for id in $("$bin" --json uat list | python3 -c 'import json,sys; print(" ".join(i["id"] for i in json.load(sys.stdin)["items"]))'); do
  "$bin" -q uat mark "$id" pass --by "Rehearsal tester"
done
"$bin" uat list

step "odoo-upgrade uat signoff"
if ! "$bin" uat signoff --by "Acme Corp (rehearsal)"; then
  echo "(the sandbox's upgrade is not a real one: the rehearsal records a forced sign-off)"
  "$bin" uat signoff --by "Acme Corp (rehearsal)" --force \
    --reason "rehearsal on the local sandbox: findings come from the simulated upgrade"
fi

step "odoo-upgrade freeze plan / hooks / apply (production becomes read-only, crons stop, baseline taken)"
"$bin" freeze plan --at "$(date -u -d '+10 min' +%FT%TZ)" --go-live "$(date -u -d '+4 hours' +%FT%TZ)"
"$bin" freeze hooks --add before_freeze 'echo "hook: would stop the Odoo service for $ODOO_UPGRADE_DB"'
"$bin" freeze hooks --add after_restore 'echo "hook: would start the Odoo service on $ODOO_UPGRADE_DB"'
"$bin" --yes freeze apply

step "odoo-upgrade prod-request (the frozen database goes to the service as the production request)"
"$bin" prod-request --contract DEMO-CONTRACT-0001

step "odoo-upgrade restore (go-live: verify, then swap by renaming; the old database is kept)"
"$bin" --dry-run restore
"$bin" --yes restore

step "odoo-upgrade monitor (health of the upgraded production against the pre-upgrade baseline)"
# A fresh go-live must be healthy: crons stopped by the freeze are judged from the go-live on, and
# activity only once production has run for a few hours.
"$bin" monitor

step "odoo-upgrade status"
"$bin" status
psql -X -c "SELECT datname FROM pg_database WHERE datname LIKE 'acme%' ORDER BY 1"

step "done: the project file is $demo/odoo-upgrade.json"
