#!/usr/bin/env bash
# make check-cluster: turnero over a three-node MariaDB Galera cluster on loopback,
# under registration and desk call-next load, through five faults in a row. Not part
# of make check (scripts/check runs it when Galera is installed; about four minutes;
# needs the Debian packages galera-4 and rsync, and root to run the nodes as "mysql").
#
#   3 Galera nodes      n1 n2 n3 (mariadbd as the mysql user, rsync SST)
#   2 turnero hosts     turnero-fcgi on 127.0.0.1:A and :B, both with
#                       [database] nodes = n1, n2, n3 (so both write through one node)
#   1 nginx             https://127.0.0.1:PORT, upstream = both hosts
#
# tests/cluster/cl_failover keeps the load going and, one scenario after the other,
# breaks the bed and mends it through tests/cluster/fault.sh: SIGKILL to the writer
# node, SIGSTOP to it, SIGKILL to a non-writer, SIGKILL to a turnero host, SIGKILL to
# all three nodes (then a bootstrap from the most advanced one). Writes must be back
# within 15 s of every single-node fault; after each scenario, on every node with
# wsrep_sync_wait=1: every acknowledged ticket and call is there, no ticket was called
# twice, no number given twice. At the end, with the load stopped, the same checks and
# CHECKSUM TABLE of every table equal on the three nodes. The time to writes back of
# each scenario is printed (DIR/figures.txt).
#
# Environment: TURNERO_BUILD_DIR (the build), TURNERO_SRC_DIR, TURNERO_KEEP=1 keeps
# the state directory.
set -u -o pipefail
failures=0

SRC=${TURNERO_SRC_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${TURNERO_BUILD_DIR:?set TURNERO_BUILD_DIR to a build directory}
DRIVER=$BUILD/tests/cluster/cl_failover
# shellcheck source=scripts/lib/stack.sh
. "$SRC/scripts/lib/stack.sh"
# shellcheck source=tests/cluster/lib.sh
. "$SRC/tests/cluster/lib.sh"

log() { echo "cluster: $*" >&2; }
die() {
	log "FAIL: $*"
	failures=$((failures + 1))
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "run as root (the nodes run as the mysql user)"
[ -f /usr/lib/galera/libgalera_smm.so ] || die "galera-4 is not installed (apt-get install galera-4 rsync)"
command -v rsync >/dev/null || die "rsync is not installed (apt-get install rsync)"
id mysql >/dev/null 2>&1 || die "no mysql user (install mariadb-server)"
for f in turnero-fcgi turneroctl tests/cluster/cl_failover; do
	[ -x "$BUILD/$f" ] || die "$BUILD/$f is missing (make check-cluster builds it)"
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/turnero-cl.XXXXXX") || exit 1
chmod 755 "$dir"
fail() {
	log "FAIL: $*"
	failures=$((failures + 1))
}

cleanup() {
	local k
	stack_stop_pid "$dir/run/nginx.pid" nginx 10 2>/dev/null
	for k in a b; do stack_stop_pid "$dir/run/fcgi-$k.pid" turnero-fcgi 20 2>/dev/null; done
	for k in 1 2 3; do
		# A node the test paused would ignore SIGTERM.
		node_alive "$k" && kill -CONT "$(node_pid "$k")" 2>/dev/null
		stack_stop_pid "$dir/n$k/mariadbd.pid" mariadbd 60 2>/dev/null
		# Interrupted while starting, before mariadbd wrote its pid file.
		stack_stop_pid "$dir/n$k/spawn.pid" mariadbd 60 2>/dev/null
	done
	if [ -n "${TURNERO_KEEP:-}" ] || [ $failures -ne 0 ]; then
		log "state kept in $dir"
	else
		rm -rf "$dir"
	fi
}
trap cleanup EXIT
# A timeout (scripts/check's) or Ctrl-C still stops the nodes, hosts and nginx: they run
# in sessions of their own and would not get the signal.
trap 'fail "interrupted"; exit 143' TERM
trap 'fail "interrupted"; exit 130' INT

# ---- ports: a free block on loopback (lib.sh: the layout) ------------------------------
port_free() { ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
base=""
for _ in 1 2 3 4 5 6 7 8; do
	# Below the ephemeral range (32768-), where outgoing connections take ports.
	base=$((20000 + (RANDOM % 40) * 300))
	all=1
	for p in $CL_PORT_OFFSETS; do
		port_free $((base + p)) || { all=0; break; }
	done
	[ $all -eq 1 ] && break
	base=""
done
[ -n "$base" ] || die "no free block of ports on loopback"
https_port=$(https_port)
printf 'dir=%q\nSRC=%q\nBUILD=%q\nbase=%q\n' "$dir" "$SRC" "$BUILD" "$base" >"$dir/cluster.env"

# ---- the Galera nodes ----------------------------------------------------------------
for k in 1 2 3; do node_cnf "$k" || die "cannot write n$k/my.cnf"; done
log "initialising n1 in $dir"
mariadb-install-db --defaults-file="$dir/n1/my.cnf" --auth-root-authentication-method=socket \
	--skip-test-db >"$dir/n1/install.log" 2>&1 || { tail -n 20 "$dir/n1/install.log" >&2; die "mariadb-install-db failed"; }
node_start 1 --wsrep-new-cluster || die "n1 did not start"
(umask 077 && openssl rand -hex 24 >"$dir/db.password") || die "openssl rand failed"
password=$(cat "$dir/db.password")
node_sql 1 <<SQL || die "cannot create the database and user"
CREATE DATABASE turnero CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'turnero'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON turnero.* TO 'turnero'@'127.0.0.1';
SQL
node_start 2 || die "n2 did not join"
node_start 3 || die "n3 did not join"

# ---- two turnero hosts ------------------------------------------------------------------
(umask 077 && "$BUILD/turneroctl" gen-secret >"$dir/jwt.secret") || die "gen-secret failed"
mkdir -p "$dir/run" "$dir/log" "$dir/nginx/tmp"
host_conf a >"$dir/turnero-a.conf"
host_conf b >"$dir/turnero-b.conf"
# turneroctl and the test harness read turnero.conf: host a's.
cp "$dir/turnero-a.conf" "$dir/turnero.conf"
"$BUILD/turneroctl" -c "$dir/turnero.conf" migrate >"$dir/log/migrate.log" 2>&1 ||
	{ cat "$dir/log/migrate.log" >&2; die "turneroctl migrate through the cluster failed"; }
for k in a b; do host_start "$k" || die "turnero host $k did not start"; done

# ---- nginx in front of both -------------------------------------------------------------
stack_make_cert "$dir/tls" >/dev/null || die "no certificate"
cp /etc/nginx/fastcgi_params "$dir/nginx/" || exit 1
TURNERO_HTTPS_PORT=$https_port stack_render_nginx "$SRC/nginx" "$dir/nginx" "$https_port" "$dir/tls" \
	"$dir/run/turnero.sock" || die "cannot render the nginx files"
sed -i "s|server unix:$dir/run/turnero.sock;|server 127.0.0.1:$(host_port a) max_fails=0;\n\tserver 127.0.0.1:$(host_port b) max_fails=0;|" \
	"$dir/nginx/turnero-http.conf"
grep -q "127.0.0.1:$(host_port b)" "$dir/nginx/turnero-http.conf" || die "the upstream was not rewritten"
stack_nginx_main "$dir" "$dir/nginx/nginx.conf" "$dir/nginx/turnero.conf"
(stack_exec_clean "$dir/log/nginx-error.log" nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" \
	-e "$dir/log/nginx-error.log") || die "nginx did not start"
stack_wait 30 sh -c "curl -sk --noproxy '*' --max-time 2 https://127.0.0.1:$https_port/api/v1/health | grep -q '\"db\":\"up\"'" ||
	{ tail -n 20 "$dir/log/fcgi-a.log" >&2; die "the service does not answer through nginx"; }
bed_wait_whole 60 || die "the bed is not whole before the load"
log "two turnero hosts behind https://127.0.0.1:$https_port over nodes n1, n2, n3"

# ---- the load and the faults (the driver calls fault.sh) -------------------------------------
TURNERO_TEST_URL=https://127.0.0.1:$https_port TURNERO_TEST_STATE=$dir TURNERO_TEST_STACK=$SRC/scripts/lib/stack.sh \
	TURNERO_CLUSTER_CTL=$SRC/tests/cluster/fault.sh TURNERO_BUILD_DIR=$BUILD "$DRIVER" || fail "cl_failover"
[ -s "$dir/acked.txt" ] || die "the driver wrote no acknowledged tickets"
# The failovers went through [database] nodes: workers skipped a dead node and took a later one.
if grep -q 'database: using node ' "$dir"/log/fcgi-*.log; then
	log "workers moved between nodes: $(grep -ho 'database: using node [^ ]*' "$dir"/log/fcgi-*.log | sort | uniq -c | tr -s ' ' | tr '\n' ';')"
else
	fail "the turnero logs show no move to a later node of the list"
fi

# ---- the load has stopped: the checks on every node, then the checksums ----------------------
bed_wait_whole 120 || fail "the bed is not whole at the end"
check_all_nodes || fail "the checks on the nodes"
check_checksums || fail "the checksums"

[ -s "$dir/figures.txt" ] && { log "time to writes back (registrations acknowledged again) per scenario:"; cat "$dir/figures.txt" >&2; }
if [ $failures -ne 0 ]; then
	log "$failures check(s) failed"
	exit 1
fi
log "passed: no acknowledged registration or call lost, nothing called twice, numbers unique, checksums equal"
