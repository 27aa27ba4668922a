#!/usr/bin/env bash
# Unpacks the bundled Odoo fixture backups into DIR and loads each into the test PostgreSQL server
# (OU_TEST_PG_URI) as a template database `ou_fixture_<name>`, once. Tests copy the template
# (CREATE DATABASE … TEMPLATE), which takes well under a second, instead of replaying dump.sql.
set -euo pipefail
dest=${1:?usage: load-fixtures.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$here/../fixtures
: "${OU_TEST_PG_URI:?OU_TEST_PG_URI is not set (see README: scripts/test.sh starts a server)}"

mkdir -p "$dest"
for zip in "$fixtures"/odoo*_demo.zip; do
  name=$(basename "$zip" _demo.zip)          # odoo17
  dir=$dest/$name
  if [ ! -f "$dir/.unpacked" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    unzip -q "$zip" -d "$dir"
    chmod -R a+rX "$dest"
    touch "$dir/.unpacked"
  fi
  tpl=ou_fixture_$name
  exists=$(psql "$OU_TEST_PG_URI" -XAtc "SELECT count(*) FROM pg_database WHERE datname = '$tpl'")
  if [ "$exists" = 0 ]; then
    psql "$OU_TEST_PG_URI" -Xqc "CREATE DATABASE ${tpl}_loading"
    psql "$(echo "$OU_TEST_PG_URI" | sed 's/dbname=[^ ]*//') dbname=${tpl}_loading" -Xq \
      -v ON_ERROR_STOP=1 -f "$dir/dump.sql" >/dev/null
    psql "$OU_TEST_PG_URI" -Xqc "ALTER DATABASE ${tpl}_loading RENAME TO $tpl"
    echo "loaded $tpl"
  fi
done
