#!/usr/bin/env bash
# make check-cluster: turnero over a three-node MariaDB Galera cluster on loopback,
# with a node killed under load. Not part of make check (about two minutes; needs
# the Debian packages galera-4 and rsync, and root to run the nodes as "mysql").
#
#   3 Galera nodes      n1 n2 n3 (mariadbd as the mysql user, rsync SST)
#   2 turnero hosts     turnero-fcgi on 127.0.0.1:A and :B, both with
#                       [database] nodes = n1, n2, n3 (so both write through n1)
#   1 nginx             https://127.0.0.1:PORT, upstream = both hosts
#
# tests/cluster/cl_failover registers tickets and calls them through nginx, kills
# n1 with SIGKILL, and keeps the load going. Then, on n2 and n3 with
# wsrep_sync_wait=1: every acknowledged ticket is there, every acknowledged call
# is there, no ticket was called twice and no number given twice. Last, n1 is
# restarted the documented way (galera_recovery, then mariadbd with the recovered
# position), must rejoin as Synced and must hold the same tickets.
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
	for k in 1 2 3; do stack_stop_pid "$dir/n$k/mariadbd.pid" mariadbd 60 2>/dev/null; done
	if [ -n "${TURNERO_KEEP:-}" ] || [ $failures -ne 0 ]; then
		log "state kept in $dir"
	else
		rm -rf "$dir"
	fi
}
trap cleanup EXIT

# ---- ports: a free block on loopback ---------------------------------------------
port_free() { ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
# Node k (1-3): client port B+k; Galera B+100+10(k-1), IST one above it; SST B+200+10(k-1)
# (the spacing of MariaDB's own three-node test configuration).
client_port() { echo $((base + $1)); }
gcomm_port() { echo $((base + 100 + 10 * ($1 - 1))); }
ist_port() { echo $((base + 101 + 10 * ($1 - 1))); }
sst_port() { echo $((base + 200 + 10 * ($1 - 1))); }
base=""
for try in 1 2 3 4 5 6 7 8; do
	# Below the ephemeral range (32768-), where outgoing connections take ports.
	base=$((20000 + (RANDOM % 40) * 300))
	all=1
	for p in 1 2 3 51 52 60 100 101 110 111 120 121 200 210 220; do
		port_free $((base + p)) || { all=0; break; }
	done
	[ $all -eq 1 ] && break
	base=""
done
[ -n "$base" ] || die "no free block of ports on loopback"
https_port=$((base + 60))
fcgi_a=$((base + 51))
fcgi_b=$((base + 52))
gcomm="gcomm://127.0.0.1:$(gcomm_port 1),127.0.0.1:$(gcomm_port 2),127.0.0.1:$(gcomm_port 3)"
nodes_list="127.0.0.1:$(client_port 1), 127.0.0.1:$(client_port 2), 127.0.0.1:$(client_port 3)"

# ---- the Galera nodes ----------------------------------------------------------------
node_cnf() {
	local k=$1
	mkdir -p "$dir/n$k/data"
	cat >"$dir/n$k/my.cnf" <<CNF
[mysqld]
user=mysql
datadir=$dir/n$k/data
socket=$dir/n$k/mysqld.sock
pid-file=$dir/n$k/mariadbd.pid
log-error=$dir/n$k/error.log
port=$(client_port "$k")
bind-address=127.0.0.1
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
innodb_flush_log_at_trx_commit=1
innodb_buffer_pool_size=64M
innodb_log_file_size=32M
max_connections=100
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
default-time-zone=+00:00
wsrep_on=ON
wsrep_provider=/usr/lib/galera/libgalera_smm.so
wsrep_cluster_name=turnero_cluster_test
wsrep_cluster_address=$gcomm
wsrep_node_name=n$k
wsrep_node_address=127.0.0.1:$(gcomm_port "$k")
wsrep_provider_options="base_port=$(gcomm_port "$k");gmcast.listen_addr=tcp://127.0.0.1:$(gcomm_port "$k");ist.recv_addr=127.0.0.1:$(ist_port "$k");gcache.size=64M;evs.suspect_timeout=PT5S"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$(sst_port "$k")
CNF
	chown -R mysql:mysql "$dir/n$k"
}

node_sql() {
	local k=$1
	shift
	mariadb --no-defaults --socket="$dir/n$k/mysqld.sock" --user=root --connect-timeout=3 -N -B "$@"
}

node_state() { node_sql "$1" -e "SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2; }

node_start() {
	local k=$1 pid
	shift
	rm -f "$dir/n$k/mariadbd.pid"
	pid=$(stack_spawn "$dir/n$k/stdout.log" mariadbd --defaults-file="$dir/n$k/my.cnf" "$@")
	echo "$pid" >"$dir/n$k/spawn.pid"
	if ! stack_wait 90 sh -c "[ \"\$(mariadb --no-defaults --socket='$dir/n$k/mysqld.sock' --user=root -N -B \
		-e \"SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'\" 2>/dev/null | cut -f2)\" = Synced ]"; then
		tail -n 30 "$dir/n$k/error.log" >&2
		die "node n$k is not Synced within 90 s"
	fi
	# mariadbd writes its own pid file; stack_stop_pid reads it.
	stack_wait 10 test -s "$dir/n$k/mariadbd.pid"
	log "node n$k Synced (pid $(stack_pid "$dir/n$k/mariadbd.pid"))"
}

for k in 1 2 3; do node_cnf "$k"; done
log "initialising n1 in $dir"
mariadb-install-db --defaults-file="$dir/n1/my.cnf" --auth-root-authentication-method=socket \
	--skip-test-db >"$dir/n1/install.log" 2>&1 || { tail -n 20 "$dir/n1/install.log" >&2; die "mariadb-install-db failed"; }
node_start 1 --wsrep-new-cluster
(umask 077 && openssl rand -hex 24 >"$dir/db.password") || die "openssl rand failed"
password=$(cat "$dir/db.password")
node_sql 1 <<SQL || die "cannot create the database and user"
CREATE DATABASE turnero CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'turnero'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON turnero.* TO 'turnero'@'127.0.0.1';
SQL
node_start 2
node_start 3

# ---- two turnero hosts ------------------------------------------------------------------
(umask 077 && "$BUILD/turneroctl" gen-secret >"$dir/jwt.secret") || die "gen-secret failed"
mkdir -p "$dir/run" "$dir/log" "$dir/nginx/tmp"
host_conf() {
	cat <<CONF
[server]
listen = 127.0.0.1:$1
workers = 2

[database]
nodes = $nodes_list
password_file = $dir/db.password
connect_timeout = 3
migrations_dir = $SRC/sql

[auth]
secret_file = $dir/jwt.secret
CONF
}
host_conf "$fcgi_a" >"$dir/turnero.conf"
host_conf "$fcgi_b" >"$dir/turnero-b.conf"
"$BUILD/turneroctl" -c "$dir/turnero.conf" migrate >"$dir/log/migrate.log" 2>&1 ||
	{ cat "$dir/log/migrate.log" >&2; die "turneroctl migrate through the cluster failed"; }
for k in a b; do
	conf=$dir/turnero.conf
	[ $k = b ] && conf=$dir/turnero-b.conf
	pid=$(stack_spawn "$dir/log/fcgi-$k.log" "$BUILD/turnero-fcgi" -c "$conf")
	echo "$pid" >"$dir/run/fcgi-$k.pid"
done

# ---- nginx in front of both -------------------------------------------------------------
stack_make_cert "$dir/tls" >/dev/null || die "no certificate"
cp /etc/nginx/fastcgi_params "$dir/nginx/" || exit 1
TURNERO_HTTPS_PORT=$https_port stack_render_nginx "$SRC/nginx" "$dir/nginx" "$https_port" "$dir/tls" \
	"$dir/run/turnero.sock" || die "cannot render the nginx files"
sed -i "s|server unix:$dir/run/turnero.sock;|server 127.0.0.1:$fcgi_a max_fails=0;\n\tserver 127.0.0.1:$fcgi_b max_fails=0;|" \
	"$dir/nginx/turnero-http.conf"
grep -q "127.0.0.1:$fcgi_b" "$dir/nginx/turnero-http.conf" || die "the upstream was not rewritten"
stack_nginx_main "$dir" "$dir/nginx/nginx.conf" "$dir/nginx/turnero.conf"
(stack_exec_clean "$dir/log/nginx-error.log" nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" \
	-e "$dir/log/nginx-error.log") || die "nginx did not start"
stack_wait 30 sh -c "curl -sk --noproxy '*' --max-time 2 https://127.0.0.1:$https_port/api/v1/health | grep -q '\"db\":\"up\"'" ||
	{ tail -n 20 "$dir/log/fcgi-a.log" >&2; die "the service does not answer through nginx"; }
for k in a b; do
	stack_alive "$dir/run/fcgi-$k.pid" turnero-fcgi || die "turnero host $k is not running"
done
log "two turnero hosts behind https://127.0.0.1:$https_port over $nodes_list"

# ---- the load and the kill -----------------------------------------------------------------
victim=$(stack_pid "$dir/n1/mariadbd.pid")
[ -n "$victim" ] || die "no pid for n1"
TURNERO_TEST_URL=https://127.0.0.1:$https_port TURNERO_TEST_STATE=$dir TURNERO_TEST_STACK=$SRC/scripts/lib/stack.sh \
	TURNERO_CLUSTER_KILL_PID=$victim TURNERO_BUILD_DIR=$BUILD "$DRIVER" || fail "cl_failover"
[ -s "$dir/acked.txt" ] || die "the driver wrote no acknowledged tickets"
# The failover went through [database] nodes: workers skipped n1 and took a later node.
n1_name=127.0.0.1:$(client_port 1)
if grep -q "database node $n1_name: " "$dir"/log/fcgi-*.log && grep -q 'database: using node ' "$dir"/log/fcgi-*.log; then
	log "workers moved off $n1_name: $(grep -ho 'database: using node [^ ]*' "$dir"/log/fcgi-*.log | sort | uniq -c | tr -s ' ' | tr '\n' ';')"
else
	fail "the turnero logs show no move from $n1_name to another node"
fi
sort -u "$dir/acked.txt" >"$dir/acked.sorted"
sort -u "$dir/called.txt" >"$dir/called.sorted"

# ---- checks on every surviving node ----------------------------------------------------------
check_node() {
	local k=$1 dups
	node_sql "$k" turnero -e "SET SESSION wsrep_sync_wait = 1; SELECT id FROM tickets" | sort -u >"$dir/n$k.tickets" ||
		{ fail "n$k: cannot read tickets"; return; }
	missing=$(comm -23 "$dir/acked.sorted" "$dir/n$k.tickets" | wc -l)
	[ "$missing" -eq 0 ] && log "n$k: all $(wc -l <"$dir/acked.sorted") acknowledged tickets present" ||
		fail "n$k: $missing acknowledged tickets lost"
	node_sql "$k" turnero -e "SET SESSION wsrep_sync_wait = 1; SELECT id FROM tickets WHERE status IN ('called','served')" |
		sort -u >"$dir/n$k.called"
	missing=$(comm -23 "$dir/called.sorted" "$dir/n$k.called" | wc -l)
	[ "$missing" -eq 0 ] && log "n$k: all $(wc -l <"$dir/called.sorted") acknowledged calls present" ||
		fail "n$k: $missing acknowledged calls lost"
	dups=$(node_sql "$k" turnero -e "SET SESSION wsrep_sync_wait = 1;
		SELECT COUNT(*) FROM (SELECT ticket_id FROM ticket_events WHERE event = 'called'
			GROUP BY ticket_id HAVING COUNT(*) > 1) d")
	[ "$dups" = 0 ] && log "n$k: no ticket called twice" || fail "n$k: $dups tickets called twice"
	dups=$(node_sql "$k" turnero -e "SET SESSION wsrep_sync_wait = 1;
		SELECT COUNT(*) FROM (SELECT 1 FROM tickets GROUP BY issued_queue_id, service_date, number
			HAVING COUNT(*) > 1) d")
	[ "$dups" = 0 ] && log "n$k: numbers unique" || fail "n$k: $dups numbers given twice"
}
check_node 2
check_node 3
cmp -s "$dir/n2.tickets" "$dir/n3.tickets" && log "n2 and n3 hold the same tickets" ||
	fail "n2 and n3 differ"

# ---- the restart procedure for the killed node ------------------------------------------------
log "restarting n1: galera_recovery, then mariadbd with the recovered position"
pos=$(galera_recovery --defaults-file="$dir/n1/my.cnf" 2>"$dir/n1/recovery.log") ||
	{ cat "$dir/n1/recovery.log" >&2; fail "galera_recovery failed"; }
log "n1 recovered position: ${pos:-none}"
# shellcheck disable=SC2086
node_start 1 $pos
check_node 1
cmp -s "$dir/n1.tickets" "$dir/n2.tickets" && log "n1 holds the same tickets as n2 after rejoining" ||
	fail "n1 differs from n2 after rejoining"

if [ $failures -ne 0 ]; then
	log "$failures check(s) failed"
	exit 1
fi
log "passed: no acknowledged registration or call lost, nothing called twice, numbers unique"
