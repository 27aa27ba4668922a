#!/usr/bin/env bash
# Builds the Debian packages of this build (cpack -G DEB) and checks them as a user installing them
# would: unpacked into a scratch root (dpkg -x), the binaries run and report this build's version,
# the documents, licence, man pages and completions are where Debian puts them, the control files name the dependencies.
#
#   tests/package/test-deb.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: test-deb.sh BUILD_DIR}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ou-deb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$build"
cpack -G DEB -B "$scratch/out" >/dev/null
main=$(ls "$scratch"/out/odoo-upgrade_*.deb)
sandbox=$(ls "$scratch"/out/odoo-upgrade-sandbox_*.deb)
fail() { echo "test-deb: $*" >&2; exit 1; }

dpkg-deb --field "$main" Package | grep -qx odoo-upgrade || fail "package name"
depends=$(dpkg-deb --field "$main" Depends)
for d in postgresql-client rsync openssh-client libcurl libpq5; do
  echo "$depends" | grep -q "$d" || fail "Depends lacks $d: $depends"
done
dpkg-deb --field "$sandbox" Depends | grep -q openssh-server || fail "sandbox Depends lacks openssh-server"

root=$scratch/root
dpkg -x "$main" "$root"
dpkg -x "$sandbox" "$root"
version=$("$root/usr/bin/odoo-upgrade" --version)
want=$(dpkg-deb --field "$main" Version)
echo "$version" | grep -q "^odoo-upgrade $want" || fail "--version says '$version', package is $want"
"$root/usr/bin/odoo-upgrade-sandbox" --version | grep -q "^odoo-upgrade-sandbox $want" ||
  fail "sandbox --version"
file "$root/usr/bin/odoo-upgrade" | grep -q "stripped" && ! file "$root/usr/bin/odoo-upgrade" | grep -q "not stripped" ||
  fail "odoo-upgrade is not stripped"
[ -f "$root/usr/share/doc/odoo-upgrade/copyright" ] || fail "no copyright file"
[ -f "$root/usr/share/doc/odoo-upgrade/README.md" ] || fail "no README"
[ -f "$root/usr/share/doc/odoo-upgrade/commands/uat.md" ] || fail "no command docs"
for page in odoo-upgrade odoo-upgrade-initiate odoo-upgrade-uat odoo-upgrade-restore; do
  [ -f "$root/usr/share/man/man1/$page.1" ] || fail "no man page $page.1"
done
MANPATH="$root/usr/share/man" man -P cat odoo-upgrade-uat 2>/dev/null | grep -q -- "--format" ||
  fail "man odoo-upgrade-uat does not render its options"
[ -f "$root/usr/share/bash-completion/completions/odoo-upgrade" ] || fail "no bash completion"
[ -f "$root/usr/share/zsh/vendor-completions/_odoo-upgrade" ] || fail "no zsh completion"
echo "test-deb: $(basename "$main") and $(basename "$sandbox") install and run ($version)"
