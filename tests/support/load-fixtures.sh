#!/usr/bin/env bash
# Unpacks the bundled Odoo fixture backups into DIR and loads each into the test PostgreSQL server
# (OU_TEST_PG_URI) as a template database, once. Tests copy the template (CREATE DATABASE …
# TEMPLATE), which takes well under a second, instead of replaying dump.sql.
#
#   fixtures/odoo17_demo.zip                        -> DIR/odoo17,  template ou_fixture_odoo17
#   fixtures/odoo16_demo.zip                        -> DIR/odoo16,  template ou_fixture_odoo16
#   fixtures/real-pair/odoo16_customer.zip          -> DIR/cust16,  template ou_fixture_cust16
#   fixtures/real-pair/odoo17_customer_upgraded.zip -> DIR/cust17,  template ou_fixture_cust17
set -euo pipefail
dest=${1:?usage: load-fixtures.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$here/../fixtures
: "${OU_TEST_PG_URI:?OU_TEST_PG_URI is not set (see README: scripts/test.sh starts a server)}"

# load NAME ZIP: unpack ZIP into DIR/NAME and load its dump.sql as template ou_fixture_NAME.
load() {
  local name=$1 zip=$2
  local dir=$dest/$name
  if [ ! -f "$dir/.unpacked" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    unzip -q "$zip" -d "$dir"
    chmod -R a+rX "$dest"
    touch "$dir/.unpacked"
  fi
  local tpl=ou_fixture_$name
  local exists
  exists=$(psql "$OU_TEST_PG_URI" -XAtc "SELECT count(*) FROM pg_database WHERE datname = '$tpl'")
  if [ "$exists" = 0 ]; then
    PGOPTIONS="-c client_min_messages=warning" psql "$OU_TEST_PG_URI" -Xqc "DROP DATABASE IF EXISTS ${tpl}_loading"
    psql "$OU_TEST_PG_URI" -Xqc "CREATE DATABASE ${tpl}_loading"
    psql "$(echo "$OU_TEST_PG_URI" | sed 's/dbname=[^ ]*//') dbname=${tpl}_loading" -Xq \
      -v ON_ERROR_STOP=1 -f "$dir/dump.sql" >/dev/null
    psql "$OU_TEST_PG_URI" -Xqc "ALTER DATABASE ${tpl}_loading RENAME TO $tpl"
    echo "loaded $tpl"
  fi
}

mkdir -p "$dest"
load odoo17 "$fixtures/odoo17_demo.zip"
load odoo16 "$fixtures/odoo16_demo.zip"
load cust16 "$fixtures/real-pair/odoo16_customer.zip"
load cust17 "$fixtures/real-pair/odoo17_customer_upgraded.zip"
