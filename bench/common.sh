# Shared by bench/round.sh and bench/golive.sh (sourced, not run): the PostgreSQL helpers, the
# sandbox, and the fixture scaled N times. The caller calls bench_programs, sets `work` (a
# temporary folder), and calls bench_cleanup from its EXIT trap.
sandbox_pid=""
sshd_pid=""
# `varied`: the options of bench/uat_bench that add varied data in `scale` (--mail-messages N,
# --db-attachments-mb M), so that the dump grows as a customer's does; the scripts fill it from
# their own options before sourcing this file.
# bench_programs SCRIPT BUILD: sets `build` (absolute), `binary`, `sandbox_bin` and `bench`, the
# programs the benchmarks run; exit 2 naming SCRIPT when one is not built.
bench_programs() {
  build=$(realpath "$2")
  binary="$build/odoo-upgrade"
  sandbox_bin="$build/sandbox/odoo-upgrade-sandbox"
  bench="$build/bench/uat_bench"
  for b in "$binary" "$sandbox_bin" "$bench"; do
    [ -x "$b" ] || { echo "$1: build $b first" >&2; exit 2; }
  done
}
uri_of() { printf '%s' "$OU_TEST_PG_URI" | sed -E "s/dbname=[^ ]*/dbname=$1/"; }
sql() { psql "$OU_TEST_PG_URI" -Atqc "$1"; }
drop_bench_dbs() {
  for db in $(sql "SELECT datname FROM pg_database WHERE datname LIKE 'ou\_bench\_uat\_%'"); do
    sql "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
bench_cleanup() {
  [ -n "$sshd_pid" ] && kill -TERM "$sshd_pid" 2>/dev/null
  [ -n "$sandbox_pid" ] && kill -TERM "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  drop_bench_dbs
  rm -rf "$work"
}
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc -l; }
# timed VAR COMMAND...: runs COMMAND, stores its wall seconds in VAR.
timed() {
  local var=$1 t0
  shift
  t0=$(now)
  "$@"
  printf -v "$var" '%.2f' "$(since "$t0")"
}
machine_line() {
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(uname -r);" \
    "PostgreSQL $(psql "$OU_TEST_PG_URI" -Atc 'SHOW server_version');" \
    "$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt") build; $(date -u +%FT%TZ)"
}

start_sandbox() {
  "$sandbox_bin" --state-dir "$work/sandbox" --pg "$OU_TEST_PG_URI" --processing-delay-ms 0 \
    >"$work/sandbox.out" 2>"$work/sandbox.log" &
  sandbox_pid=$!
  for _ in $(seq 1 300); do
    [ -f "$work/sandbox/ready.json" ] && return 0
    kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "bench: the sandbox did not start" >&2
  exit 1
}
ready() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
  "$work/sandbox/ready.json" "$1"; }

# scale N: production ou_bench_uat_prod (bench/uat_bench: journal items, contacts and products
# copied N, N/3 and N/5 times, plus the varied data of the script's options) with a filestore of
# 4N files of 8 KiB under $work/data.
scale() {
  local n=$1 db=ou_bench_uat_prod
  drop_bench_dbs
  "$bench" --pg "$OU_TEST_PG_URI" --move-line-copies "$n" --partner-copies $((n / 3)) \
    --product-copies $((n / 5)) "${varied[@]}" --repeat 1 --keep >/dev/null 2>"$work/uat.err"
  sql "DROP DATABASE ou_bench_uat_test" >/dev/null
  rm -rf "$work/data" "$work/p" "$work/floor" && mkdir -p "$work/p" "$work/floor"
  python3 - "$work/data/filestore/$db" $((n * 4)) <<'PY'
import hashlib, os, sys
root, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    data = os.urandom(8192)
    name = hashlib.sha1(data).hexdigest()
    os.makedirs(os.path.join(root, name[:2]), exist_ok=True)
    with open(os.path.join(root, name[:2], name), "wb") as f:
        f.write(data)
PY
  sync
}

# initiate_project: the project in $work/p for the scaled production, against the sandbox.
initiate_project() {
  (cd "$work/p" && "$binary" -q initiate --customer Bench --db "$(uri_of ou_bench_uat_prod)" \
    --target 18.0 --data-dir "$work/data" --service-url "$(ready url)" \
    --ca-file "$(ready ca_file)" --data-server-user "$(ready ssh_user)" >/dev/null 2>&1) ||
    [ -f "$work/p/odoo-upgrade.json" ]
}

# The floor's SSH hop: an sshd of our own on a loopback port, configured as the sandbox's
# (sandbox/sshd.cpp) but logging in to a plain rsync, with the client options of
# adapters/transfer/rsync_transfer.cpp.
start_floor_sshd() {
  local d=$work/sshd port
  mkdir -p "$d" && chmod 700 "$d"
  ssh-keygen -q -t ed25519 -N '' -C bench-host -f "$d/host_key"
  ssh-keygen -q -t rsa -b 3072 -N '' -C bench-client -f "$d/client_key"
  cp "$d/client_key.pub" "$d/authorized_keys"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$d/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $(id -un)
PermitTTY no
UseDNS no
EOF
  mkdir -p /run/sshd 2>/dev/null || true
  /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log"
  for _ in $(seq 1 50); do [ -s "$d/sshd.pid" ] && break; sleep 0.1; done
  sshd_pid=$(cat "$d/sshd.pid")
  echo "[127.0.0.1]:$port $(cat "$d/host_key.pub")" >"$d/known_hosts"
  floor_ssh="ssh -p $port -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes"
  floor_ssh+=" -o UserKnownHostsFile=$d/known_hosts -o BatchMode=yes -o ConnectTimeout=30"
  floor_ssh+=" -o ServerAliveInterval=15 -o ServerAliveCountMax=4 -i $d/client_key"
}
floor_rsync() { rsync --partial --timeout=120 -a -e "$floor_ssh" "$@"; }
