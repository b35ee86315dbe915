#!/bin/sh
# Runs every integration program against one private stack (see run-stack.sh).
set -e
here=$(dirname "$0")
progs=""
for p in $TURNERO_IT_PROGRAMS; do
	progs="$progs $TURNERO_BUILD_DIR/$p"
done
# shellcheck disable=SC2086
exec "$TURNERO_SRC_DIR/tests/integration/run-stack.sh" $progs
