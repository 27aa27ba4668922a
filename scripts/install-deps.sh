#!/usr/bin/env bash
# Installs what odoo-upgrade needs to build, test and run, from Debian 12 packages. Idempotent; run
# as root (or through sudo). Skips apt entirely when everything is already there.
#
#   scripts/install-deps.sh          build, test and run odoo-upgrade
#   scripts/install-deps.sh --odoo   also what a target Odoo 17.0 needs to run (the tests that drive
#                                    the Odoo runtime of ../shared/fixtures/odoo17-runtime)
#   scripts/install-deps.sh --browser  also Debian's Chromium and poppler-utils: the test that renders
#                                    the HTML UAT report headless to PNG and PDF (tests/browser/;
#                                    skipped without them). Options combine.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache clang-format universal-ctags
  libcurl4-openssl-dev nlohmann-json3-dev libcli11-dev libpq-dev libspdlog-dev catch2
  libcpp-httplib-dev libssl-dev
  # calendar-checked ISO 8601 times and the IANA time zones (core/time_local.hpp)
  libhowardhinnant-date-dev tzdata
  postgresql postgresql-contrib postgresql-client
  rsync openssh-client openssh-server openssl unzip ca-certificates python3 xz-utils file dpkg-dev
  # the tests that render the man pages and run the completion scripts
  groff-base man-db zsh
  # the tests that check every --json document against docs/schemas/ (valijson: a JSON Schema
  # validator for nlohmann::json, header only) and run the CI recipes of docs/ci/ (their YAML)
  libvalijson-dev python3-yaml
  # bench/startup.sh times the start-up with it (a plain loop without it)
  hyperfine
)
want_odoo=no
want_browser=no
for arg in "$@"; do
  case "$arg" in
  --odoo) want_odoo=yes ;;
  --browser) want_browser=yes ;;
  *)
    echo "install-deps: unknown option '$arg' (--odoo, --browser)" >&2
    exit 2
    ;;
  esac
done
if [ "$want_browser" = yes ]; then
  # Headless Chromium renders the HTML report; pdftoppm rasterises its PDF for the checks.
  packages+=(chromium poppler-utils)
fi
if [ "$want_odoo" = yes ]; then
  # Odoo 17.0's Python dependencies as Debian ships them (the runtime's README), plus
  # python3-renderpm and the URW Type 1 fonts for barcodes in reports, and wkhtmltopdf (Debian's
  # 0.12.6, about 16 MB with its Qt libraries) so that the reports-render live check also renders
  # the PDF reports as PDF.
  packages+=(
    python3-psycopg2 python3-werkzeug python3-lxml python3-babel python3-dateutil python3-decorator
    python3-docutils python3-gevent python3-greenlet python3-idna python3-pil python3-jinja2
    python3-libsass python3-markupsafe python3-num2words python3-ofxparse python3-openssl
    python3-passlib python3-polib python3-psutil python3-pydot python3-pypdf2 python3-qrcode
    python3-reportlab python3-renderpm fonts-urw-base35 python3-requests python3-stdnum python3-tz
    python3-vobject python3-xlsxwriter python3-xlrd python3-zeep python3-rjsmin python3-asn1crypto
    python3-cbor2 python3-geoip2 python3-freezegun python3-chardet python3-cryptography
    python3-urllib3 python3-serial python3-usb python3-ldap python3-xlwt wkhtmltopdf
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then
    exec sudo "$0" "$@"
  fi
  echo "install-deps: missing packages (${missing[*]}) and not root" >&2
  exit 3
fi
export DEBIAN_FRONTEND=noninteractive
echo "installing: ${missing[*]}" >&2
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package starts a system-wide cluster and sshd; we run our own throwaway ones instead.
