#!/bin/sh
# The web app in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core
# from web/node_modules) against the stack of run-stack.sh (TURNERO_TEST_URL, ...).
# Screenshots and the printed ticket go to $TURNERO_BUILD_DIR/e2e-artifacts/.
set -eu
: "${TURNERO_TEST_URL:?run me through tests/integration/run-stack.sh}"
[ -x /usr/bin/chromium ] || { echo "run-e2e.sh: /usr/bin/chromium is missing (Debian package chromium)" >&2; exit 1; }
[ -d "$TURNERO_SRC_DIR/web/node_modules/playwright-core" ] ||
	{ echo "run-e2e.sh: web/node_modules is missing (make runs npm ci)" >&2; exit 1; }
export TURNERO_E2E_ARTIFACTS="${TURNERO_E2E_ARTIFACTS:-$TURNERO_BUILD_DIR/e2e-artifacts}"
mkdir -p "$TURNERO_E2E_ARTIFACTS"
# The stack's certificate is self-signed; this process only ever talks to 127.0.0.1.
export NODE_TLS_REJECT_UNAUTHORIZED=0
exec node --test --test-reporter=tap --test-concurrency=1 "$TURNERO_SRC_DIR"/tests/e2e/*.test.mjs
