#!/usr/bin/env bash
# A private turnero stack in one directory: MariaDB on a unix socket (no TCP),
# turnero-fcgi, nginx (with nchan) with a self-signed certificate on 127.0.0.1,
# and turnero-relay.
#
#   stack.sh start|stop|status|db-start|db-stop|fcgi-start|fcgi-stop|smtp-start|smtp-stop|relay-start|relay-stop|nginx-start|nginx-stop DIR
#
# or source it and call the stack_* functions (they return non-zero on failure
# and never exit the caller).
#
# Environment:
#   TURNERO_BUILD_DIR   directory holding turnero-fcgi, turnero-relay and turneroctl (required to start)
#   TURNERO_SRC_DIR     repository root (default: derived from this file's location)
#   TURNERO_HTTPS_PORT  nginx port on 127.0.0.1 (default 8443)
#   TURNERO_WORKERS     turnero-fcgi workers (default 2)
#   TURNERO_NOTIFY_SMTP_URL  mail goes there instead of the local sink (which then
#                       is not started); TURNERO_NOTIFY_SMS_URL enables SMS
#
# Layout of DIR: db/ (MariaDB data), run/ (sockets, pid files), log/, nginx/,
# tls/, mail/ (the SMTP sink's Maildir: one file per message in mail/new/),
# db.password, jwt.secret, turnero.conf.
# Only the processes named in DIR/run/*.pid are ever signalled, and only after
# checking that the pid still belongs to the program we started.

STACK_SRC_DIR=${TURNERO_SRC_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

stack_log() { echo "stack: $*" >&2; }
stack_fail() { stack_log "error: $*"; return 1; }

stack_port() { echo "${TURNERO_HTTPS_PORT:-8443}"; }

# The pid recorded in FILE, or nothing.
stack_pid() {
	local pid=""
	[ -s "$1" ] && read -r pid <"$1" 2>/dev/null
	[[ $pid =~ ^[0-9]+$ ]] && echo "$pid"
	return 0
}

# True when the pid in FILE is alive and its command line names PROGRAM, so a
# stale pid file whose number was reused by another process is not "running".
stack_alive() {
	local file=$1 program=$2 pid
	pid=$(stack_pid "$file")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$program"
}

# stack_wait SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds.
stack_wait() {
	local seconds=$1 i
	shift
	for ((i = 0; i < seconds * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# Runs COMMAND with stdin from /dev/null, stdout and stderr appended to LOG and
# no other inherited descriptors (a daemon holding a caller's pipe would make
# "make check" or a CI log reader wait for it).
stack_exec_clean() {
	local log=$1 fd
	shift
	for fd in "/proc/$BASHPID/fd/"*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
	done
	exec "$@" </dev/null >>"$log" 2>&1
}

# Starts COMMAND in the background in its own session (so a Ctrl-C meant for
# the caller does not reach it) and prints its pid. setsid does not fork here:
# a background job of a non-interactive shell is never a process group leader.
stack_spawn() {
	local log=$1
	shift
	(stack_exec_clean "$log" setsid "$@") &
	echo $!
}

# stack_stop_pid FILE PROGRAM SECONDS: SIGTERM, bounded wait, then SIGKILL of
# the process (and of its process group when it leads one: its workers).
stack_stop_pid() {
	local file=$1 program=$2 seconds=$3 pid pgid i
	pid=$(stack_pid "$file")
	if [ -n "$pid" ] && stack_alive "$file" "$program"; then
		stack_log "stopping $program (pid $pid)"
		kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < seconds * 10; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			stack_log "$program did not stop within ${seconds}s; killing it"
			pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')
			if [ "$pgid" = "$pid" ]; then
				kill -KILL -- "-$pid" 2>/dev/null
			else
				kill -KILL "$pid" 2>/dev/null
			fi
			stack_wait 5 sh -c "! kill -0 $pid"
		fi
	elif [ -n "$pid" ]; then
		stack_log "$program is not running (stale pid file)"
	fi
	rm -f "$file"
}

# Unix socket paths are limited to 107 bytes.
stack_check_path() {
	[ ${#1} -lt 100 ] || stack_fail "path too long for a unix socket: $1"
}

stack_need_build() {
	[ -n "${TURNERO_BUILD_DIR:-}" ] || { stack_fail "TURNERO_BUILD_DIR is not set"; return 1; }
	if [ ! -x "$TURNERO_BUILD_DIR/turnero-fcgi" ] || [ ! -x "$TURNERO_BUILD_DIR/turneroctl" ]; then
		stack_fail "no turnero-fcgi/turneroctl in $TURNERO_BUILD_DIR (build first)"
		return 1
	fi
}

# The MariaDB account used to administer the private server: root through
# unix_socket authentication, i.e. the operating-system user running this.
stack_db_admin() {
	local dir=$1
	shift
	mariadb --no-defaults --socket="$dir/run/mysql.sock" --user="$(id -un)" "$@"
}

stack_db_start() {
	local dir=$1 pid password
	# MariaDB's temporary files stay in the stack too: a shared /tmp may be cleaned under it.
	mkdir -p "$dir/db" "$dir/run" "$dir/log" "$dir/db-tmp" || return 1
	stack_check_path "$dir/run/mysql.sock" || return 1
	if ! stack_alive "$dir/run/mariadbd.pid" mariadbd; then
		if [ ! -d "$dir/db/mysql" ]; then
			stack_log "initialising MariaDB in $dir/db"
			# root (or, for another user, that user too) logs in through unix_socket.
			local extra=()
			[ "$(id -u)" -eq 0 ] || extra=(--auth-root-socket-user="$(id -un)")
			mariadb-install-db --no-defaults --auth-root-authentication-method=socket \
				"${extra[@]}" --datadir="$dir/db" --tmpdir="$dir/db-tmp" --user="$(id -un)" \
				--skip-test-db >"$dir/log/mariadb-install.log" 2>&1 || {
				tail -n 20 "$dir/log/mariadb-install.log" >&2
				stack_fail "mariadb-install-db failed (log: $dir/log/mariadb-install.log)"
				return 1
			}
		fi
		stack_log "starting MariaDB"
		rm -f "$dir/run/mariadbd.pid"
		# Small footprint; the server's time zone is UTC so NOW() does not depend on the host.
		pid=$(stack_spawn "$dir/log/mariadb.log" mariadbd --no-defaults --datadir="$dir/db" \
			--tmpdir="$dir/db-tmp" --socket="$dir/run/mysql.sock" --pid-file="$dir/run/mariadbd.pid" \
			--skip-networking --user="$(id -un)" --log-error="$dir/log/mariadb.log" \
			--innodb-buffer-pool-size=128M --innodb-log-file-size=64M \
			--innodb-flush-log-at-trx-commit=1 --max-connections=200 \
			--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
			--default-time-zone=+00:00)
		echo "$pid" >"$dir/run/mariadbd.pid"
		local i up=0
		for ((i = 0; i < 300; i++)); do
			if mariadb-admin --no-defaults --socket="$dir/run/mysql.sock" --user="$(id -un)" \
				--connect-timeout=2 ping >/dev/null 2>&1; then
				up=1
				break
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if [ $up -ne 1 ]; then
			tail -n 30 "$dir/log/mariadb.log" >&2
			kill -0 "$pid" 2>/dev/null && stack_stop_pid "$dir/run/mariadbd.pid" mariadbd 30
			stack_fail "MariaDB did not answer within 30s (log: $dir/log/mariadb.log)"
			return 1
		fi
	fi
	if [ ! -s "$dir/db.password" ]; then
		(umask 077 && openssl rand -hex 24 >"$dir/db.password") || return 1
	fi
	chmod 600 "$dir/db.password"
	read -r password <"$dir/db.password"
	# Idempotent, so a data directory and a password file never disagree.
	stack_db_admin "$dir" <<SQL || { stack_fail "cannot create the turnero database and user"; return 1; }
CREATE DATABASE IF NOT EXISTS turnero CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'turnero'@'localhost' IDENTIFIED BY '$password';
ALTER USER 'turnero'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON turnero.* TO 'turnero'@'localhost';
SQL
}

stack_db_stop() {
	stack_stop_pid "$1/run/mariadbd.pid" mariadbd 60
}

# A TCP port on 127.0.0.1 that nothing listens on, below the kernel's ephemeral range
# (where outgoing connections' TIME-WAIT sockets can still hold a port) and below the
# ports run-stack.sh picks for nginx.
stack_free_port() {
	local i candidate
	for ((i = 0; i < 100; i++)); do
		candidate=$((10000 + RANDOM % 10000))
		if [ -z "$(ss -Hltn "sport = :$candidate" 2>/dev/null)" ]; then
			echo "$candidate"
			return 0
		fi
	done
	return 1
}

# The local mail sink: Debian's aiosmtpd with its Mailbox handler, which keeps every
# message it accepts as one file of the Maildir DIR/mail (in DIR/mail/new/). It listens
# on 127.0.0.1 at the port in DIR/run/smtp.port (kept across restarts while free).
# Not started when TURNERO_NOTIFY_SMTP_URL sends the mail elsewhere.
stack_smtp_start() {
	local dir=$1 pid port="" attempt i
	[ -z "${TURNERO_NOTIFY_SMTP_URL:-}" ] || return 0
	stack_alive "$dir/run/smtp-sink.pid" aiosmtpd && return 0
	# A Maildir's three folders: aiosmtpd creates them only when the directory is new.
	mkdir -p "$dir/mail/new" "$dir/mail/cur" "$dir/mail/tmp" "$dir/run" "$dir/log" || return 1
	/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
		{ stack_fail "python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd)"; return 1; }
	[ -s "$dir/run/smtp.port" ] && read -r port <"$dir/run/smtp.port"
	for attempt in 1 2 3; do
		if ! [[ $port =~ ^[0-9]+$ ]] || [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; then
			port=$(stack_free_port) || { stack_fail "no free port for the mail sink"; return 1; }
		fi
		stack_log "starting the mail sink on 127.0.0.1:$port (mail in $dir/mail/new)"
		pid=$(stack_spawn "$dir/log/smtp-sink.log" /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" \
			-c aiosmtpd.handlers.Mailbox "$dir/mail")
		echo "$pid" >"$dir/run/smtp-sink.pid"
		echo "$port" >"$dir/run/smtp.port"
		for ((i = 0; i < 100; i++)); do
			[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ] && return 0
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && stack_stop_pid "$dir/run/smtp-sink.pid" aiosmtpd 10
		rm -f "$dir/run/smtp-sink.pid"
		grep -q 'address already in use' "$dir/log/smtp-sink.log" 2>/dev/null || break
		stack_log "port $port was taken; trying another"
		: >"$dir/log/smtp-sink.log"
		port=""
	done
	tail -n 20 "$dir/log/smtp-sink.log" >&2
	stack_fail "the mail sink did not listen within 10s (log: $dir/log/smtp-sink.log)"
}

stack_smtp_stop() {
	stack_stop_pid "$1/run/smtp-sink.pid" aiosmtpd 10
}

# The [notify] section: the sink (or TURNERO_NOTIFY_SMTP_URL), SMS only when
# TURNERO_NOTIFY_SMS_URL is given, links to this stack's nginx.
stack_notify_config() {
	local dir=$1 port smtp=${TURNERO_NOTIFY_SMTP_URL:-}
	if [ -z "$smtp" ] && [ -s "$dir/run/smtp.port" ]; then
		read -r port <"$dir/run/smtp.port"
		smtp="smtp://127.0.0.1:$port"
	fi
	cat <<CONF

[notify]
smtp_url = $smtp
from = Turnero <no-reply@turnero.test>
sms_url = ${TURNERO_NOTIFY_SMS_URL:-}
templates_dir = $STACK_SRC_DIR/etc/templates
public_base_url = https://127.0.0.1:$(stack_port)
CONF
}

# DIR/jwt.secret (once) and DIR/turnero.conf (rewritten only when it changes).
stack_write_config() {
	local dir=$1 tmp
	stack_need_build || return 1
	if [ ! -s "$dir/jwt.secret" ]; then
		if ! (umask 077 && "$TURNERO_BUILD_DIR/turneroctl" gen-secret >"$dir/jwt.secret.tmp"); then
			rm -f "$dir/jwt.secret.tmp"
			stack_fail "turneroctl gen-secret failed"
			return 1
		fi
		mv "$dir/jwt.secret.tmp" "$dir/jwt.secret" || return 1
	fi
	tmp=$(mktemp "$dir/turnero.conf.XXXXXX") || return 1
	cat >"$tmp" <<CONF
# Generated by scripts/lib/stack.sh for a private stack; etc/turnero.conf lists every key.
[server]
listen = $dir/run/turnero.sock
socket_mode = 0666
workers = ${TURNERO_WORKERS:-2}

[database]
socket = $dir/run/mysql.sock
password_file = $dir/db.password
migrations_dir = $STACK_SRC_DIR/sql

[auth]
secret_file = $dir/jwt.secret

[relay]
wake_socket = $dir/run/relay.wake
publish_socket = $dir/run/live.sock
metrics_file = $dir/run/relay.prom

# Local stacks deliver webhooks to loopback http:// receivers (SPEC 7).
[webhooks]
allow_private = true
CONF
	stack_notify_config "$dir" >>"$tmp"
	if cmp -s "$tmp" "$dir/turnero.conf"; then
		rm -f "$tmp"
	else
		chmod 644 "$tmp" && mv "$tmp" "$dir/turnero.conf"
	fi
}

stack_migrate() {
	local dir=$1
	stack_need_build || return 1
	stack_log "applying migrations"
	"$TURNERO_BUILD_DIR/turneroctl" -c "$dir/turnero.conf" migrate </dev/null >&2 ||
		stack_fail "turneroctl migrate failed"
}

stack_fcgi_start() {
	local dir=$1 pid
	stack_need_build || return 1
	stack_alive "$dir/run/turnero-fcgi.pid" turnero-fcgi && return 0
	[ -s "$dir/turnero.conf" ] || { stack_fail "$dir/turnero.conf is missing (run start first)"; return 1; }
	stack_check_path "$dir/run/turnero.sock" || return 1
	mkdir -p "$dir/run" "$dir/log"
	# A stale socket would look like a started server.
	rm -f "$dir/run/turnero.sock"
	stack_log "starting turnero-fcgi"
	# TURNERO_FCGI_WRAPPER (e.g. a valgrind command line) runs the server under a tool.
	# shellcheck disable=SC2086
	pid=$(stack_spawn "$dir/log/turnero.log" ${TURNERO_FCGI_WRAPPER:-} "$TURNERO_BUILD_DIR/turnero-fcgi" \
		-c "$dir/turnero.conf")
	echo "$pid" >"$dir/run/turnero-fcgi.pid"
	sha256sum <"$TURNERO_BUILD_DIR/turnero-fcgi" | cut -d' ' -f1 >"$dir/run/turnero-fcgi.sum"
	local i
	for ((i = 0; i < 200; i++)); do
		[ -S "$dir/run/turnero.sock" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$dir/log/turnero.log" >&2
	kill -0 "$pid" 2>/dev/null && stack_stop_pid "$dir/run/turnero-fcgi.pid" turnero-fcgi 10
	rm -f "$dir/run/turnero-fcgi.pid"
	stack_fail "turnero-fcgi did not create its socket within 20s (log: $dir/log/turnero.log)"
}

stack_fcgi_stop() {
	stack_stop_pid "$1/run/turnero-fcgi.pid" turnero-fcgi 30
	rm -f "$1/run/turnero.sock" "$1/run/turnero-fcgi.sum"
}

stack_relay_start() {
	local dir=$1 pid
	stack_need_build || return 1
	stack_alive "$dir/run/turnero-relay.pid" turnero-relay && return 0
	[ -x "$TURNERO_BUILD_DIR/turnero-relay" ] || { stack_fail "no turnero-relay in $TURNERO_BUILD_DIR (build first)"; return 1; }
	[ -s "$dir/turnero.conf" ] || { stack_fail "$dir/turnero.conf is missing (run start first)"; return 1; }
	stack_check_path "$dir/run/relay.wake" || return 1
	mkdir -p "$dir/run" "$dir/log"
	rm -f "$dir/run/relay.wake"
	stack_log "starting turnero-relay"
	# shellcheck disable=SC2086
	pid=$(stack_spawn "$dir/log/relay.log" ${TURNERO_RELAY_WRAPPER:-} "$TURNERO_BUILD_DIR/turnero-relay" \
		-c "$dir/turnero.conf")
	echo "$pid" >"$dir/run/turnero-relay.pid"
	sha256sum <"$TURNERO_BUILD_DIR/turnero-relay" | cut -d' ' -f1 >"$dir/run/turnero-relay.sum"
	# Started once it listens for wake-ups (it binds that socket before touching the database).
	if ! stack_wait 20 test -S "$dir/run/relay.wake"; then
		tail -n 20 "$dir/log/relay.log" >&2
		kill -0 "$pid" 2>/dev/null && stack_stop_pid "$dir/run/turnero-relay.pid" turnero-relay 10
		stack_fail "turnero-relay did not start within 20s (log: $dir/log/relay.log)"
		return 1
	fi
}

stack_relay_stop() {
	stack_stop_pid "$1/run/turnero-relay.pid" turnero-relay 15
	rm -f "$1/run/relay.wake" "$1/run/turnero-relay.sum"
}

# stack_render_nginx SRCDIR OUTDIR PORT TLSDIR SOCKET [FINALDIR]: the
# production files SRCDIR/*.conf (nginx/: turnero.conf and the pieces it
# includes) written to OUTDIR with only the listen address, certificate
# directory, run directory (that of SOCKET; nchan's publisher socket becomes
# live.sock there) and include directory (FINALDIR,
# where the files will be read from; default OUTDIR) and the web app's files
# ($TURNERO_WEB_ROOT, else the build's webroot/) replaced; comment lines
# are left alone. Fails when the production files no longer contain the
# strings replaced here, so a drift cannot go unnoticed.
stack_render_nginx() {
	local src=$1 out=$2 port=$3 tls=$4 sock=$5 final=${6:-$2} run body f cache
	local web=${TURNERO_WEB_ROOT:-${TURNERO_BUILD_DIR:-/nonexistent}/webroot}
	run=$(dirname "$sock")
	cache=$(dirname "$tls")/nginx-cache
	case "$tls$sock$final$web" in *[\|\&\\]*) stack_fail "unsupported characters in $tls, $sock, $final or $web"; return 1 ;; esac
	[ -f "$src/turnero.conf" ] || { stack_fail "no turnero.conf in $src"; return 1; }
	mkdir -p "$out" || return 1
	for f in "$src"/*.conf; do
		sed -e '/^[[:space:]]*#/b' \
			-e "s|listen 443 ssl http2;|listen 127.0.0.1:$port ssl http2;|" \
			-e '/listen \[::\]:443 ssl http2;/d' \
			-e "s|/etc/turnero/tls/|$tls/|g" \
			-e "s|/run/turnero/|$run/|g" \
			-e "s|/run/turnero-live/publish.sock|$run/live.sock|g" \
			-e "s|/usr/local/share/turnero/nginx/|$final/|g" \
			-e "s|/var/cache/turnero-nginx|$cache|g" \
			-e "s|/usr/local/share/turnero/web|$web|g" \
			"$f" >"$out/${f##*/}" || return 1
	done
	body=$(cat "$out"/*.conf | grep -v '^[[:space:]]*#')
	if [ "$(grep -c "listen 127.0.0.1:$port ssl http2;" <<<"$body")" -ne 1 ] ||
		[ "$(grep -c 'listen ' <<<"$body")" -ne 2 ] ||
		! grep -qF "ssl_certificate $tls/" <<<"$body" ||
		! grep -qF "unix:$sock;" <<<"$body" ||
		! grep -qF "include $final/turnero-locations.conf;" <<<"$body" ||
		! grep -qF "fastcgi_cache_path $cache " <<<"$body" ||
		! grep -qF "root $web;" <<<"$body" ||
		! grep -qF "listen unix:$run/live.sock;" <<<"$body" ||
		[ "$(grep -cF "include $final/turnero-live" <<<"$body")" -ne 2 ] ||
		grep -qE '/etc/turnero/tls/|/run/turnero/|/run/turnero-live/|/usr/local/share/turnero/|/var/cache/turnero-nginx' <<<"$body"; then
		stack_fail "rendering $src failed: its listen/certificate/socket/include/cache lines changed (see turnero.conf's header)"
		return 1
	fi
}

# stack_nginx_main DIR OUT INCLUDE: a main nginx.conf whose state lives in DIR.
stack_nginx_main() {
	local dir=$1 out=$2 include=$3
	# Benchmarks with thousands of subscribers (bench/sse_run) raise the per-worker limit.
	local conns=${TURNERO_STACK_NGINX_CONNECTIONS:-512}
	[[ $conns =~ ^[0-9]+$ ]] && [ "$conns" -ge 512 ] || conns=512
	cat >"$out" <<NGINX
# Generated by scripts/lib/stack.sh: a private nginx whose state lives in $dir.
# Root workers are acceptable for this private development/test instance.
# Live updates need nchan (Debian: libnginx-mod-nchan), loaded from Debian's module directory.
load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
user root;
worker_processes 2;
worker_rlimit_nofile $((conns * 2 + 64));
pid $dir/run/nginx.pid;
error_log $dir/log/nginx-error.log warn;
events {
	worker_connections $conns;
}
http {
	log_format turnero '\$remote_addr [\$time_local] "\$request" \$status \$body_bytes_sent '
		'\$request_time \$request_id';
	access_log $dir/log/nginx-access.log turnero;
	client_body_temp_path $dir/nginx/tmp/body;
	fastcgi_temp_path $dir/nginx/tmp/fastcgi;
	proxy_temp_path $dir/nginx/tmp/proxy;
	uwsgi_temp_path $dir/nginx/tmp/uwsgi;
	scgi_temp_path $dir/nginx/tmp/scgi;
	include $include;
}
NGINX
}

# A self-signed certificate for 127.0.0.1, valid 30 days; made again when it
# expires within a day (a long-lived .dev/). Prints "new" when it made one.
stack_make_cert() {
	local tls=$1
	mkdir -p "$tls" || return 1
	if [ -s "$tls/cert.pem" ] && [ -s "$tls/key.pem" ] &&
		openssl x509 -checkend 86400 -noout -in "$tls/cert.pem" >/dev/null 2>&1; then
		return 0
	fi
	echo new
	(umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
		-keyout "$tls/key.pem" -out "$tls/cert.pem") >/dev/null 2>&1 ||
		{ stack_fail "openssl could not make a certificate in $tls"; return 1; }
	chmod 644 "$tls/cert.pem"
}

stack_https_up() {
	curl -sk --noproxy '*' --max-time 2 -o /dev/null "https://127.0.0.1:$1/api/v1/health"
}

# True when every file in NEW is the same in DIR.
stack_nginx_same() {
	local f
	for f in "$1"/*.conf; do
		cmp -s "$f" "$2/${f##*/}" || return 1
	done
}

stack_nginx_start() {
	local dir=$1 port cert
	port=$(stack_port)
	mkdir -p "$dir/nginx/tmp" "$dir/run" "$dir/log" || return 1
	cert=$(stack_make_cert "$dir/tls") || return 1
	cp /etc/nginx/fastcgi_params "$dir/nginx/fastcgi_params" || return 1
	rm -rf "$dir/nginx/new"
	stack_render_nginx "$STACK_SRC_DIR/nginx" "$dir/nginx/new" "$port" \
		"$dir/tls" "$dir/run/turnero.sock" "$dir/nginx" || return 1
	stack_nginx_main "$dir" "$dir/nginx/nginx.conf" "$dir/nginx/turnero.conf"
	if stack_alive "$dir/run/nginx.pid" nginx; then
		# Running: pick up edited production files or a new certificate.
		if [ -n "$cert" ] || ! stack_nginx_same "$dir/nginx/new" "$dir/nginx"; then
			mv -f "$dir/nginx/new/"*.conf "$dir/nginx/"
			stack_log "nginx configuration or certificate changed; reloading nginx"
			nginx -t -q -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/log/nginx-error.log" ||
				{ stack_fail "the new nginx configuration is invalid"; return 1; }
			kill -HUP "$(stack_pid "$dir/run/nginx.pid")"
		fi
		rm -rf "$dir/nginx/new"
		return 0
	fi
	mv -f "$dir/nginx/new/"*.conf "$dir/nginx/" && rm -rf "$dir/nginx/new"
	rm -f "$dir/run/nginx.pid"
	# A start that failed on the TCP port (taken meanwhile) leaves nginx's unix socket behind,
	# and the next start could not bind it again; no nginx of this stack runs here.
	rm -f "$dir/run/live.sock"
	stack_log "starting nginx on https://127.0.0.1:$port"
	echo "$STACK_NGINX_STARTING_MARK" >>"$dir/log/nginx-error.log"
	# nginx detaches by itself and writes its pid file.
	(stack_exec_clean "$dir/log/nginx-error.log" nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" \
		-e "$dir/log/nginx-error.log") || {
		tail -n 20 "$dir/log/nginx-error.log" >&2
		stack_fail "nginx did not start (log: $dir/log/nginx-error.log)"
		return 1
	}
	stack_wait 10 test -s "$dir/run/nginx.pid" || { stack_fail "nginx wrote no pid file"; return 1; }
	if ! stack_wait 20 stack_https_up "$port"; then
		tail -n 20 "$dir/log/nginx-error.log" >&2
		stack_fail "https://127.0.0.1:$port does not answer (log: $dir/log/nginx-error.log)"
		return 1
	fi
}

# nchan 1.3.6 can crash a worker while nginx shuts down with subscribers still connected
# (upstream nchan issues 473 and 518); users are being disconnected then anyway. These
# markers in the error log let run-stack.sh tell such crashes from those while serving.
STACK_NGINX_STOPPING_MARK='stack: nginx is stopping'
STACK_NGINX_STARTING_MARK='stack: nginx is starting'

stack_nginx_stop() {
	if stack_alive "$1/run/nginx.pid" nginx; then
		echo "$STACK_NGINX_STOPPING_MARK" >>"$1/log/nginx-error.log"
	fi
	stack_stop_pid "$1/run/nginx.pid" nginx 10
}

# Starts whatever is not running yet; components already up are left alone.
stack_start() {
	local dir=$1
	stack_need_build || return 1
	mkdir -p "$dir" && chmod 700 "$dir" || return 1
	stack_db_start "$dir" &&
		stack_smtp_start "$dir" &&
		stack_write_config "$dir" &&
		stack_migrate "$dir" &&
		stack_fcgi_start "$dir" &&
		stack_nginx_start "$dir" &&
		stack_relay_start "$dir"
}

stack_stop() {
	local dir=$1
	stack_relay_stop "$dir"
	stack_nginx_stop "$dir"
	stack_fcgi_stop "$dir"
	stack_smtp_stop "$dir"
	stack_db_stop "$dir"
}

# Prints one line per component; returns 0 only when all four run.
stack_status() {
	local dir=$1 name all=0
	for name in mariadbd turnero-fcgi nginx turnero-relay; do
		if stack_alive "$dir/run/$name.pid" "$name"; then
			echo "$name: running (pid $(stack_pid "$dir/run/$name.pid"))"
		else
			echo "$name: stopped"
			all=1
		fi
	done
	if [ -z "${TURNERO_NOTIFY_SMTP_URL:-}" ]; then
		if stack_alive "$dir/run/smtp-sink.pid" aiosmtpd; then
			echo "mail sink: running (pid $(stack_pid "$dir/run/smtp-sink.pid"), mail in $dir/mail/new)"
		else
			echo "mail sink: stopped"
		fi
	fi
	return $all
}

stack_main() {
	local action=${1:-} dir=${2:-}
	if [ $# -ne 2 ] || [ -z "$dir" ]; then
		echo "usage: stack.sh start|stop|status|db-start|db-stop|fcgi-start|fcgi-stop|smtp-start|smtp-stop|relay-start|relay-stop|nginx-start|nginx-stop DIR" >&2
		return 2
	fi
	case $action in
	start | db-start | fcgi-start | smtp-start | relay-start | nginx-start)
		mkdir -p "$dir" || return 1
		;;
	stop | status | db-stop | fcgi-stop | smtp-stop | relay-stop | nginx-stop)
		# Nothing was ever started in a directory that does not exist.
		if [ ! -d "$dir" ]; then
			[ "$action" = status ] || return 0
			stack_status "$dir"
			return
		fi
		;;
	*)
		echo "stack.sh: unknown action '$action'" >&2
		return 2
		;;
	esac
	dir=$(cd "$dir" && pwd) || return 1
	case $action in
	start) stack_start "$dir" ;;
	stop) stack_stop "$dir" ;;
	status) stack_status "$dir" ;;
	db-start) stack_db_start "$dir" ;;
	db-stop) stack_db_stop "$dir" ;;
	fcgi-start) stack_fcgi_start "$dir" ;;
	fcgi-stop) stack_fcgi_stop "$dir" ;;
	smtp-start) stack_smtp_start "$dir" ;;
	smtp-stop) stack_smtp_stop "$dir" ;;
	relay-start) stack_relay_start "$dir" ;;
	relay-stop) stack_relay_stop "$dir" ;;
	nginx-start) stack_nginx_start "$dir" ;;
	nginx-stop) stack_nginx_stop "$dir" ;;
	esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u -o pipefail
	stack_main "$@"
	exit
fi
