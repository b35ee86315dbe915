#!/usr/bin/env bash
# The database tier: runs test programs against a private MariaDB only (no workers, no
# nginx), started in a temporary directory with the schema migrated, and always stopped
# and removed:
#
#   run.sh PROGRAM [PROGRAM...]      (make check: TURNERO_DB_PROGRAMS, relative to the build)
#
# Needs TURNERO_BUILD_DIR and TURNERO_SRC_DIR (make check sets them). Each program sees
# TURNERO_TEST_STATE, the directory (turnero.conf, run/mysql.sock). Exit status: the first
# failing program's; 99 (automake's "hard error") when MariaDB cannot be started.
# TURNERO_IT_KEEP=1 keeps the directory (and says where).
set -u -o pipefail

if [ -z "${TURNERO_BUILD_DIR:-}" ] || [ -z "${TURNERO_SRC_DIR:-}" ]; then
	echo "tests/db/run.sh: TURNERO_BUILD_DIR and TURNERO_SRC_DIR must be set" >&2
	exit 99
fi
progs=("$@")
if [ ${#progs[@]} -eq 0 ]; then
	for p in ${TURNERO_DB_PROGRAMS:-}; do
		progs+=("$TURNERO_BUILD_DIR/$p")
	done
fi
[ ${#progs[@]} -gt 0 ] || { echo "usage: run.sh PROGRAM [PROGRAM...]" >&2; exit 99; }
for prog in "${progs[@]}"; do
	[ -x "$prog" ] || { echo "tests/db/run.sh: not an executable program: $prog" >&2; exit 99; }
done

# shellcheck source=scripts/lib/stack.sh
. "$TURNERO_SRC_DIR/scripts/lib/stack.sh"
state=$(mktemp -d "${TMPDIR:-/tmp}/turnero-db.XXXXXX") || exit 99
chmod 700 "$state"
status=0

# shellcheck disable=SC2317  # invoked by the trap
finish() {
	stack_db_stop "$state"
	if [ "$status" -ne 0 ] && [ -d "$state/log" ]; then
		for f in "$state"/log/*.log; do
			[ -f "$f" ] || continue
			echo "==== $f (last 30 lines)"
			tail -n 30 "$f"
		done
	fi
	if [ "${TURNERO_IT_KEEP:-0}" = 1 ]; then
		echo "tests/db/run.sh: kept $state"
	else
		rm -rf "$state"
	fi
}
trap finish EXIT
trap 'status=130; exit 130' INT
trap 'status=143; exit 143' TERM

echo "== starting MariaDB in $state"
if ! { stack_db_start "$state" && stack_write_config "$state" && stack_migrate "$state"; }; then
	echo "tests/db/run.sh: the database did not start" >&2
	status=99
	exit 99
fi
export TURNERO_TEST_STATE="$state"

for prog in "${progs[@]}"; do
	echo "== $(basename "$prog")"
	timeout --kill-after=10 600 "$prog"
	rc=$?
	[ $rc -eq 124 ] && echo "== $(basename "$prog"): timed out after 600 s"
	[ $rc -ne 0 ] && echo "== $(basename "$prog"): failed (exit $rc)"
	[ $rc -ne 0 ] && [ $status -eq 0 ] && status=$rc
done
exit $status
