#!/usr/bin/env bash
# Prepares the target Odoo 17.0 runtime that some tests drive (issue 12): unpacks
# odoo17-runtime.tar.xz and auditlog-17.0.tar.xz from SOURCE (default ../shared/fixtures/odoo17-runtime
# next to the repository) into DEST once, and adds DEST/t1fonts, the Type 1 font names reportlab
# looks for on Debian 12 (barcodes in reports; Debian bug #1059326). Prints DEST on success, nothing
# when SOURCE has no runtime (the tests that need it then report themselves skipped).
#
#   scripts/odoo-runtime.sh DEST [SOURCE]
#
# Layout of DEST (what OU_TEST_ODOO17 names): odoo17-runtime/odoo-bin, auditlog-17.0/auditlog/,
# t1fonts/. To use your own Odoo 17.0 checkout instead, make such a folder with symlinks:
#   mkdir my-odoo && ln -s ~/src/odoo-17.0 my-odoo/odoo17-runtime && ln -s ~/src/server-tools-17.0 my-odoo/auditlog-17.0
#   export OU_TEST_ODOO17=$PWD/my-odoo
set -euo pipefail
dest=${1:?usage: odoo-runtime.sh DEST [SOURCE]}
root=$(cd "$(dirname "$0")/.." && pwd)
src=${2:-$root/../shared/fixtures/odoo17-runtime}
[ -f "$src/odoo17-runtime.tar.xz" ] && [ -f "$src/auditlog-17.0.tar.xz" ] || exit 0
if [ ! -f "$dest/.unpacked" ]; then
  rm -rf "$dest"
  mkdir -p "$dest"
  tar -xJf "$src/odoo17-runtime.tar.xz" -C "$dest"
  tar -xJf "$src/auditlog-17.0.tar.xz" -C "$dest"
  mkdir -p "$dest/t1fonts"
  type1=/usr/share/fonts/X11/Type1
  while read -r old new; do
    [ -f "$type1/$new.pfb" ] && ln -sf "$type1/$new.pfb" "$dest/t1fonts/$old.pfb"
  done <<'FONTS'
s050000l StandardSymbolsPS
d050000l D050000L
n019003l NimbusSans-Regular
n019004l NimbusSans-Bold
n019023l NimbusSans-Italic
n019024l NimbusSans-BoldItalic
n021003l NimbusRoman-Regular
n021004l NimbusRoman-Bold
n021023l NimbusRoman-Italic
n021024l NimbusRoman-BoldItalic
n022003l NimbusMonoPS-Regular
n022004l NimbusMonoPS-Bold
n022023l NimbusMonoPS-Italic
n022024l NimbusMonoPS-BoldItalic
FONTS
  # Odoo writes __pycache__ into its tree; the PostgreSQL-owned test runs read it too.
  chmod -R a+rwX "$dest"
  touch "$dest/.unpacked"
fi
echo "$dest"
