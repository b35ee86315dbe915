#!/bin/sh
# make check: the web app's end-to-end tests against one private stack (run-stack.sh).
set -e
exec "$TURNERO_SRC_DIR/tests/integration/run-stack.sh" "$TURNERO_SRC_DIR/tests/e2e/run-e2e.sh"
