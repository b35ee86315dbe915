#!/usr/bin/env bash
# Runs integration test programs against one private stack (MariaDB, turnero-fcgi,
# nginx) that it starts in a temporary directory and always stops and removes:
#
#   run-stack.sh PROGRAM [PROGRAM...]
#
# Needs TURNERO_BUILD_DIR and TURNERO_SRC_DIR (make check sets them). Each
# program sees TURNERO_TEST_URL (https://127.0.0.1:PORT), TURNERO_TEST_STATE
# (the stack directory) and TURNERO_TEST_STACK (scripts/lib/stack.sh, for fault
# tests: "$TURNERO_TEST_STACK db-stop $TURNERO_TEST_STATE"). The server runs with
# TURNERO_SERVER_CORS_ORIGINS set (below).
# Exit status: the first failing program's; 99 (automake's "hard error") when
# the stack cannot be started. TURNERO_IT_KEEP=1 keeps the directory (and says where).
set -u -o pipefail

if [ -z "${TURNERO_BUILD_DIR:-}" ] || [ -z "${TURNERO_SRC_DIR:-}" ]; then
	echo "run-stack.sh: TURNERO_BUILD_DIR and TURNERO_SRC_DIR must be set" >&2
	exit 99
fi
if [ $# -eq 0 ]; then
	echo "usage: run-stack.sh PROGRAM [PROGRAM...]" >&2
	exit 99
fi
for prog in "$@"; do
	[ -x "$prog" ] || { echo "run-stack.sh: not an executable program: $prog" >&2; exit 99; }
done
command -v ss >/dev/null || { echo "run-stack.sh: ss not found (Debian package iproute2)" >&2; exit 99; }

stack="$TURNERO_SRC_DIR/scripts/lib/stack.sh"
state=$(mktemp -d "${TMPDIR:-/tmp}/turnero-it.XXXXXX") || exit 99
failed=0
child=""

# shellcheck disable=SC2317  # invoked by the traps
finish() {
	local f
	"$stack" stop "$state"
	if [ "$failed" -ne 0 ]; then
		for f in "$state"/log/*.log; do
			[ -f "$f" ] || continue
			echo "==== $f (last 50 lines)"
			tail -n 50 "$f"
		done
	fi
	if [ "${TURNERO_IT_KEEP:-0}" = 1 ]; then
		echo "run-stack.sh: kept $state"
	else
		rm -rf "$state"
	fi
}
# A program runs in the background so that a signal reaches this script at once.
# shellcheck disable=SC2317  # invoked by the traps
on_signal() {
	failed=1
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	exit "$1"
}
trap finish EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# A random free loopback port, so parallel runs rarely collide; a collision
# between choosing and binding is caught below and retried with another port.
# Below the kernel's range for outgoing connections (32768-60999), which any
# client on the machine may take at any moment.
free_port() {
	local i candidate
	for ((i = 0; i < 100; i++)); do
		candidate=$((20000 + RANDOM % 12000))
		if [ -z "$(ss -Hltn "sport = :$candidate")" ]; then
			echo "$candidate"
			return 0
		fi
	done
	return 1
}

export TURNERO_WORKERS=${TURNERO_WORKERS:-3}
# The server allows cross-origin calls from these two made-up dashboards (it_internals
# tests CORS with them; a foreign origin is any other).
export TURNERO_SERVER_CORS_ORIGINS="https://dash.example.org, http://127.0.0.1:5173"
# Test traffic goes to 127.0.0.1 only, never through a proxy from the environment.
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

started=0
for attempt in 1 2 3; do
	port=$(free_port) || { echo "run-stack.sh: no free port found" >&2; break; }
	export TURNERO_HTTPS_PORT=$port
	echo "== starting the stack in $state (https://127.0.0.1:$port)"
	if "$stack" start "$state"; then
		started=1
		break
	fi
	grep -q 'Address already in use' "$state/log/nginx-error.log" 2>/dev/null || break
	echo "port $port was taken meanwhile; retrying ($attempt)"
	: >"$state/log/nginx-error.log"
	# nginx bound its unix socket for the live publisher before failing on the port
	# and left it behind; the next attempt would fail on it. nginx is not running.
	rm -f "$state/run/live.sock"
done
if [ $started -ne 1 ]; then
	failed=1
	echo "run-stack.sh: the stack did not start" >&2
	exit 99
fi

export TURNERO_TEST_URL="https://127.0.0.1:$port" TURNERO_TEST_STATE="$state" TURNERO_TEST_STACK="$stack"

# TURNERO_VALGRIND=1 (make check-valgrind): the server runs under memcheck from here on.
if [ "${TURNERO_VALGRIND:-0}" = 1 ]; then
	export TURNERO_FCGI_WRAPPER="valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --log-file=$state/log/valgrind.%p.log"
	"$stack" fcgi-stop "$state" && "$stack" fcgi-start "$state" || { failed=1; exit 99; }
fi

status=0
for prog in "$@"; do
	echo "== $(basename "$prog")"
	timeout --kill-after=10 600 "$prog" &
	child=$!
	wait "$child"
	rc=$?
	child=""
	if [ $rc -eq 124 ]; then
		echo "== $(basename "$prog"): timed out after 600 s"
	elif [ $rc -ne 0 ]; then
		echo "== $(basename "$prog"): failed (exit $rc)"
	fi
	if [ $rc -ne 0 ] && [ $status -eq 0 ]; then
		status=$rc
		failed=1
	fi
done

# Memcheck findings of the server (any process of it) fail the run.
if [ "${TURNERO_VALGRIND:-0}" = 1 ]; then
	"$stack" fcgi-stop "$state" || true
	if grep -lE 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|Invalid (read|write)|uninitialised' \
		"$state"/log/valgrind.*.log >/dev/null 2>&1; then
		echo "== valgrind reports:"
		cat "$state"/log/valgrind.*.log | head -n 100
		[ $status -eq 0 ] && status=1
		failed=1
	else
		echo "== valgrind: no errors and no definite leaks in $(ls "$state"/log/valgrind.*.log 2>/dev/null | wc -l) server processes"
	fi
fi

# A crashed nginx worker (e.g. in the nchan module) is respawned and may go unnoticed, so
# any crash while nginx serves fails the run. A crash between the stack's "stopping" and
# "starting" marks happened while nginx shut down (see stack_nginx_stop): reported only.
crashes() { # $1: serving | stopping
	awk -v want="$1" '
		/stack: nginx is stopping/ { phase = "stopping"; next }
		/stack: nginx is starting/ { phase = "serving"; next }
		/exited on signal/ { if ((phase == "" ? "serving" : phase) == want) print }
	' "$state/log/nginx-error.log" 2>/dev/null
}
if [ -n "$(crashes stopping)" ]; then
	echo "== nginx worker crashes while nginx was shutting down (nchan; not counted):"
	crashes stopping | head -n 10
fi
if [ -n "$(crashes serving)" ]; then
	echo "== nginx worker crashes in nginx-error.log while serving:"
	crashes serving | head -n 20
	grep -B5 'exited on signal' "$state/log/nginx-error.log" | head -n 40
	[ $status -eq 0 ] && status=1
	failed=1
fi

# A sanitizer report in a worker (or in turnero-relay) does not always fail a request:
# read the server logs too. The relay is stopped first, so a leak it reports at exit is in.
"$stack" relay-stop "$state" >/dev/null 2>&1 || true
if grep -Eq 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer' "$state/log/turnero.log" \
	"$state"/log/relay*.log 2>/dev/null; then
	echo "== sanitizer reports in turnero.log or relay.log:"
	grep -E -A20 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer' "$state/log/turnero.log" \
		"$state"/log/relay*.log 2>/dev/null | head -n 60
	[ $status -eq 0 ] && status=1
	failed=1
fi
exit $status
