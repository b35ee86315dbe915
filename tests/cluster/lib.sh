#!/usr/bin/env bash
# shellcheck disable=SC2154,SC2034 # dir, SRC, BUILD and base come from the caller; CL_PORT_OFFSETS is for it
# The cluster test bed's parts, shared by tests/cluster/run.sh (which builds the bed) and
# tests/cluster/fault.sh (which the driver calls to break and mend it). Source it after
# scripts/lib/stack.sh with these set: dir (the state directory), SRC, BUILD and base
# (the first port of the block; run.sh writes it to $dir/cluster.env).
#
# Ports, from base:
#   node k (1-3)   client base+k; Galera base+100+10(k-1), IST one above; SST base+200+10(k-1)
#                  (the spacing of MariaDB's own three-node test configuration)
#   turnero hosts  a: base+51, b: base+52 (FastCGI over TCP)
#   nginx          https on base+60
# Every function returns non-zero on failure and never exits the caller.

cl_log() { echo "cluster: $*" >&2; }

client_port() { echo $((base + $1)); }
gcomm_port() { echo $((base + 100 + 10 * ($1 - 1))); }
ist_port() { echo $((base + 101 + 10 * ($1 - 1))); }
sst_port() { echo $((base + 200 + 10 * ($1 - 1))); }
host_port() { case $1 in a) echo $((base + 51)) ;; b) echo $((base + 52)) ;; esac; }
https_port() { echo $((base + 60)); }
# The ports of the block, as offsets from base (run.sh checks they are free).
CL_PORT_OFFSETS="1 2 3 51 52 60 100 101 110 111 120 121 200 210 220"

# ---- the Galera nodes -------------------------------------------------------------------
node_cnf() {
	local k=$1 gcomm
	gcomm="gcomm://127.0.0.1:$(gcomm_port 1),127.0.0.1:$(gcomm_port 2),127.0.0.1:$(gcomm_port 3)"
	mkdir -p "$dir/n$k/data" || return 1
	cat >"$dir/n$k/my.cnf" <<CNF
[mysqld]
user=mysql
datadir=$dir/n$k/data
socket=$dir/n$k/mysqld.sock
pid-file=$dir/n$k/mariadbd.pid
log-error=$dir/n$k/error.log
tmpdir=$dir/n$k
port=$(client_port "$k")
bind-address=127.0.0.1
binlog_format=ROW
# Galera counts as binary logging: without this only SUPER may create triggers (sql/013).
log_bin_trust_function_creators=1
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

node_status() { node_sql "$1" -e "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | cut -f2; }
node_state() { node_status "$1" wsrep_local_state_comment; }
node_pid() { stack_pid "$dir/n$1/mariadbd.pid"; }
node_alive() { stack_alive "$dir/n$1/mariadbd.pid" mariadbd; }

# Synced, in the primary component, and seeing all three nodes.
node_whole() {
	[ "$(node_state "$1")" = Synced ] && [ "$(node_status "$1" wsrep_cluster_status)" = Primary ] &&
		[ "$(node_status "$1" wsrep_cluster_size)" = 3 ]
}

# node_start K [mariadbd options]: starts node K and waits until it is Synced.
node_start() {
	local k=$1 pid
	shift
	rm -f "$dir/n$k/mariadbd.pid"
	pid=$(stack_spawn "$dir/n$k/stdout.log" mariadbd --defaults-file="$dir/n$k/my.cnf" "$@")
	echo "$pid" >"$dir/n$k/spawn.pid"
	if ! stack_wait 120 sh -c "[ \"\$(mariadb --no-defaults --socket='$dir/n$k/mysqld.sock' --user=root -N -B \
		-e \"SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'\" 2>/dev/null | cut -f2)\" = Synced ]"; then
		tail -n 30 "$dir/n$k/error.log" >&2
		cl_log "node n$k is not Synced within 120 s"
		return 1
	fi
	# mariadbd writes its own pid file; stack_stop_pid reads it.
	stack_wait 10 test -s "$dir/n$k/mariadbd.pid"
	cl_log "node n$k Synced (pid $(node_pid "$k"))"
}

# The position a crashed node recovers to ("--wsrep_start_position=UUID:SEQNO"), printed.
node_recover() {
	local k=$1 pos
	pos=$(galera_recovery --defaults-file="$dir/n$k/my.cnf" 2>"$dir/n$k/recovery.log") ||
		{ cat "$dir/n$k/recovery.log" >&2; cl_log "galera_recovery failed on n$k"; return 1; }
	[[ $pos == --wsrep_start_position=*:* ]] || { cl_log "n$k: galera_recovery printed '$pos'"; return 1; }
	echo "$pos"
}

# The restart of one crashed node: galera_recovery, then mariadbd with the position.
node_restart_crashed() {
	local k=$1 pos
	pos=$(node_recover "$k") || return 1
	cl_log "n$k recovered position: ${pos#*=}"
	node_start "$k" "$pos"
}

# Connections of the turnero user a node holds (a worker holds one each).
node_conns() {
	node_sql "$1" -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'turnero'" 2>/dev/null
}

# The node the workers write through: the running node holding the most of their
# connections (after a failover some may still sit on another one for a while).
writer_node() {
	local k n best="" most=-1
	for k in 1 2 3; do
		node_alive "$k" || continue
		n=$(node_conns "$k") || continue
		[ -n "$n" ] && [ "$n" -gt "$most" ] && { most=$n; best=$k; }
	done
	[ -n "$best" ] && [ "$most" -gt 0 ] && echo "$best"
}

# A running node other than the writer, the one with the fewest turnero connections.
reader_node() {
	local w=$1 k n best="" fewest=1000000
	for k in 1 2 3; do
		[ "$k" = "$w" ] && continue
		node_alive "$k" || continue
		n=$(node_conns "$k") || continue
		[ -n "$n" ] && [ "$n" -lt "$fewest" ] && { fewest=$n; best=$k; }
	done
	[ -n "$best" ] && echo "$best"
}

# ---- the turnero hosts ------------------------------------------------------------------
host_conf() {
	local k=$1
	cat <<CONF
[server]
listen = 127.0.0.1:$(host_port "$k")
workers = 2

[database]
nodes = 127.0.0.1:$(client_port 1), 127.0.0.1:$(client_port 2), 127.0.0.1:$(client_port 3)
password_file = $dir/db.password
connect_timeout = 3
migrations_dir = $SRC/sql

[auth]
secret_file = $dir/jwt.secret
CONF
}

host_start() {
	local k=$1 pid port
	port=$(host_port "$k")
	pid=$(stack_spawn "$dir/log/fcgi-$k.log" "$BUILD/turnero-fcgi" -c "$dir/turnero-$k.conf") || return 1
	echo "$pid" >"$dir/run/fcgi-$k.pid"
	stack_wait 30 sh -c "ss -Htln 'sport = :$port' | grep -q ." ||
		{ tail -n 20 "$dir/log/fcgi-$k.log" >&2; cl_log "turnero host $k does not listen on $port"; return 1; }
	cl_log "turnero host $k listening on 127.0.0.1:$port (pid $pid)"
}

# SIGKILL to the host's whole process group: its master and its workers, as when the
# machine dies.
host_kill() {
	local k=$1 pid
	pid=$(stack_pid "$dir/run/fcgi-$k.pid")
	stack_alive "$dir/run/fcgi-$k.pid" turnero-fcgi || { cl_log "turnero host $k is not running"; return 1; }
	kill -KILL -- "-$pid" || return 1
	# Dead, or a zombie (no sockets any more) its parent has not reaped yet.
	stack_wait 10 sh -c "! kill -0 $pid || ps -o stat= -p $pid | grep -q '^Z'" || return 1
	rm -f "$dir/run/fcgi-$k.pid"
	cl_log "turnero host $k killed (process group $pid)"
}

# ---- the whole bed ----------------------------------------------------------------------
# Every node Synced in a primary component of three, both turnero hosts running.
bed_whole() {
	local k
	for k in 1 2 3; do node_whole "$k" || return 1; done
	for k in a b; do stack_alive "$dir/run/fcgi-$k.pid" turnero-fcgi || return 1; done
}

bed_wait_whole() {
	local i
	for ((i = 0; i < ${1:-60} * 2; i++)); do
		bed_whole && return 0
		sleep 0.5
	done
	cl_log "the bed is not whole within ${1:-60} s:$(for k in 1 2 3; do
		printf ' n%s=%s/%s/%s' "$k" "$(node_state "$k")" "$(node_status "$k" wsrep_cluster_status)" \
			"$(node_status "$k" wsrep_cluster_size)"
	done)"
	return 1
}

# ---- the checks, on every node ----------------------------------------------------------
# check_node K: with wsrep_sync_wait=1 on node K, every acknowledged ticket ($dir/acked.txt)
# and call ($dir/called.txt) is there, no ticket was called twice and no number given twice.
check_node() {
	local k=$1 missing dups bad=0
	sort -u "$dir/acked.txt" >"$dir/acked.sorted"
	sort -u "$dir/called.txt" >"$dir/called.sorted"
	node_sql "$k" turnero -e "SET SESSION wsrep_sync_wait = 1; SELECT id FROM tickets" | sort -u >"$dir/n$k.tickets" ||
		{ cl_log "FAIL: n$k: cannot read tickets"; return 1; }
	missing=$(comm -23 "$dir/acked.sorted" "$dir/n$k.tickets" | wc -l)
	if [ "$missing" -eq 0 ]; then
		cl_log "n$k: all $(wc -l <"$dir/acked.sorted") acknowledged tickets present"
	else
		cl_log "FAIL: n$k: $missing acknowledged tickets lost"
		bad=1
	fi
	node_sql "$k" turnero -e "SET SESSION wsrep_sync_wait = 1;
		SELECT id FROM tickets WHERE status IN ('called','served')" | sort -u >"$dir/n$k.called" || bad=1
	missing=$(comm -23 "$dir/called.sorted" "$dir/n$k.called" | wc -l)
	if [ "$missing" -eq 0 ]; then
		cl_log "n$k: all $(wc -l <"$dir/called.sorted") acknowledged calls present"
	else
		cl_log "FAIL: n$k: $missing acknowledged calls lost"
		bad=1
	fi
	dups=$(node_sql "$k" turnero -e "SET SESSION wsrep_sync_wait = 1;
		SELECT COUNT(*) FROM (SELECT ticket_id FROM ticket_events WHERE event = 'called'
			GROUP BY ticket_id HAVING COUNT(*) > 1) d")
	if [ "$dups" = 0 ]; then
		cl_log "n$k: no ticket called twice"
	else
		cl_log "FAIL: n$k: ${dups:-?} tickets called twice"
		bad=1
	fi
	dups=$(node_sql "$k" turnero -e "SET SESSION wsrep_sync_wait = 1;
		SELECT COUNT(*) FROM (SELECT 1 FROM tickets GROUP BY issued_queue_id, service_date, number
			HAVING COUNT(*) > 1) d")
	if [ "$dups" = 0 ]; then
		cl_log "n$k: numbers unique"
	else
		cl_log "FAIL: n$k: ${dups:-?} numbers given twice"
		bad=1
	fi
	return $bad
}

check_all_nodes() {
	local k bad=0
	for k in 1 2 3; do check_node "$k" || bad=1; done
	return $bad
}

# CHECKSUM TABLE of every table of the schema on node K, one "table checksum" line each.
node_checksums() {
	local tables
	tables=$(node_sql "$1" -e "SELECT GROUP_CONCAT(CONCAT('turnero.', TABLE_NAME) ORDER BY TABLE_NAME)
		FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'turnero' AND TABLE_TYPE = 'BASE TABLE'") || return 1
	[ -n "$tables" ] || return 1
	node_sql "$1" -e "CHECKSUM TABLE $tables"
}

# With the load stopped: once every node has applied the same last write set, the
# checksums of every table must be equal on all nodes. Polls (a node may still be
# applying), bounded.
check_checksums() {
	local i k same
	for ((i = 0; i < 120; i++)); do
		same=1
		for k in 1 2 3; do
			[ "$(node_status "$k" wsrep_last_committed)" = "$(node_status 1 wsrep_last_committed)" ] || same=0
		done
		if [ $same -eq 1 ]; then
			for k in 1 2 3; do node_checksums "$k" >"$dir/n$k.checksums" || same=0; done
			if [ $same -eq 1 ] && cmp -s "$dir/n1.checksums" "$dir/n2.checksums" &&
				cmp -s "$dir/n1.checksums" "$dir/n3.checksums"; then
				cl_log "checksums equal on all nodes: $(wc -l <"$dir/n1.checksums") tables ($(
					grep -E '^turnero\.(tickets|ticket_events)[[:space:]]' "$dir/n1.checksums" | tr '\t\n' '= '))"
				return 0
			fi
		fi
		sleep 0.5
	done
	cl_log "FAIL: the table checksums differ between the nodes:"
	diff "$dir/n1.checksums" "$dir/n2.checksums" >&2
	diff "$dir/n1.checksums" "$dir/n3.checksums" >&2
	return 1
}
