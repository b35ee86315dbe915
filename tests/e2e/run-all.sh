#!/bin/sh
# make check: the web app's end-to-end tests against one private stack (run-stack.sh).
# The queues' time zone is one where it is about noon now (Etc/GMT-12 .. Etc/GMT+11),
# so "today" never ends during the run (bookings and check-ins need a slot left today);
# the browser contexts use the same zone (tests/e2e/lib.mjs).
set -e
h=$(date -u +%H)
h=${h#0}
offset=$((12 - h)) # hours east of UTC; Etc/GMT-N is N hours east
if [ "$offset" -ge 0 ]; then zone="Etc/GMT-$offset"; else zone="Etc/GMT+$((-offset))"; fi
[ "$zone" = Etc/GMT-0 ] && zone=UTC
export TURNERO_QUEUE_TIMEZONE="${TURNERO_QUEUE_TIMEZONE:-$zone}"
exec "$TURNERO_SRC_DIR/tests/integration/run-stack.sh" "$TURNERO_SRC_DIR/tests/e2e/run-e2e.sh"
