#!/usr/bin/env bash
# Go-live with odoo-upgrade, unattended: freeze plan → freeze apply → prod-request → restore →
# monitor. Every command runs with --yes --json; its document is kept in $OUT_DIR/<step>.json and its
# exit code (docs/exit-codes.md) decides what happens next. Run it from a CI job (docs/ci/) or by
# hand, once the latest test round is signed off (`odoo-upgrade uat signoff`).
#
# Environment:
#   ODOO_UPGRADE_PROJECT   the project file (default ./odoo-upgrade.json)
#   ODOO_UPGRADE_CONTRACT  the Odoo upgrade contract code: a secret, from the CI's masked variables
#   FREEZE_AT, GO_LIVE_AT  the go-live window, ISO 8601 UTC (default: in 1 minute, in 4 hours)
#   OUT_DIR                where the JSON documents go (default ./golive-out)
#   ODOO_UPGRADE           the odoo-upgrade binary (default: odoo-upgrade from PATH)
#
# Exit status: 0 when production runs the upgraded database and monitor is OK or warns; otherwise
# the exit code of the step that stopped the chain, after saying on stderr what state production
# is in and what to do.
set -euo pipefail

ou=${ODOO_UPGRADE:-odoo-upgrade}
out=${OUT_DIR:-golive-out}
freeze_at=${FREEZE_AT:-$(date -u -d '+1 min' +%FT%TZ)}
go_live_at=${GO_LIVE_AT:-$(date -u -d '+4 hours' +%FT%TZ)}
mkdir -p "$out"

# step NAME ARGS...: runs `odoo-upgrade --yes --json ARGS...` with its document in $out/NAME.json;
# returns the command's exit code.
step() {
  local name=$1
  shift
  local code=0
  "$ou" --yes --json "$@" >"$out/$name.json" || code=$?
  echo "golive: $name: exit $code" >&2
  return "$code"
}

# stop CODE WHAT: ends the chain with the step's exit code and what to do now.
stop() {
  echo "golive: stopped: $2 (see $out/*.json and docs/exit-codes.md)" >&2
  exit "$1"
}

# 1. The window: refused (2) for times in the past, (3) without a signed-off round.
step freeze-plan freeze plan --at "$freeze_at" --go-live "$go_live_at" ||
  stop $? "the go-live window was not recorded; production is untouched"

# 2. Data entry stops in production, verified (3: a hook or the verification failed; undone).
step freeze-apply freeze apply ||
  stop $? "production is not frozen; fix the cause and run this script again"

# 3. The frozen database goes to Odoo as the production request; 4 is the service's refusal or
#    failure. Production stays frozen: re-run this script to retry, or give it back to its users.
code=0
step prod-request prod-request || code=$?
if [ "$code" != 0 ]; then
  stop "$code" "the production request failed; production is still frozen: re-run to retry, or 'odoo-upgrade freeze lift' to reopen it"
fi

# 4. Go-live: verify the upgraded database, then swap by renaming (1: blocking verification
#    findings, nothing swapped).
code=0
step restore restore || code=$?
if [ "$code" != 0 ]; then
  stop "$code" "the upgraded database was not put in place; production is still frozen on the old version"
fi

# 5. Monitor: 0 OK, 8 warnings only (the chain succeeds; read them), 1 blocking: the upgraded
#    database serves, and `odoo-upgrade restore --rollback` gives the old one back.
code=0
step monitor monitor || code=$?
case "$code" in
0) echo "golive: done: production runs the upgraded database, monitor OK" >&2 ;;
8) echo "golive: done: production runs the upgraded database, monitor warns (see $out/monitor.json)" >&2 ;;
*) stop "$code" "monitor failed on the upgraded production: decide now, 'odoo-upgrade restore --rollback' puts the old database back" ;;
esac
