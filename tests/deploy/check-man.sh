#!/usr/bin/env bash
# Checks the manual pages in man/ against the programs they describe:
#   - every key of the configuration table (as "turneroctl check-config" prints
#     it, section by section) has an ".It Cm KEY" entry under ".Ss [SECTION]" of
#     turnero.conf.5, and every key documented there exists;
#   - every sub-command in "turneroctl --help" has an ".It Cm NAME" entry in
#     turneroctl.8, and every documented one exists;
#   - every long option in a program's --help appears in its page (turnero-relay
#     only when the build has it);
#   - every systemd unit names man pages (Documentation=) that exist in man/;
#   - Makefile.am installs every page (dist_man_MANS);
#   - "mandoc -Tlint" reports nothing but cross references to our own pages,
#     which it can only find once they are installed.
# Needs a build: TURNERO_BUILD_DIR (set by "make check").
set -u -o pipefail

SRC=${TURNERO_SRC_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${TURNERO_BUILD_DIR:-}
MAN=$SRC/man
PAGES=(turnero-fcgi.8 turneroctl.8 turnero-relay.8 turnero.conf.5)

failures=0
ok() { echo "ok:   $*"; }
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

if [ -z "$BUILD" ] || [ ! -x "$BUILD/turneroctl" ] || [ ! -x "$BUILD/turnero-fcgi" ]; then
	echo "FAIL: TURNERO_BUILD_DIR must name a build with turneroctl and turnero-fcgi"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/turnero-man.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

for page in "${PAGES[@]}"; do
	[ -f "$MAN/$page" ] || fail "man/$page is missing"
done

# Prints "section key" for each ".It Cm key" under ".Ss [section]" of a page.
page_keys() {
	awk '
		/^\.Ss / { sec = ""; if (match($0, /\[[a-z_0-9]+\]/)) sec = substr($0, RSTART + 1, RLENGTH - 2) }
		/^\.Sh / { sec = "" }
		sec != "" && /^\.It Cm / { print sec, $3 }
	' "$1"
}

# ---- configuration keys ------------------------------------------------------
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/jwt.secret"
printf '[auth]\nsecret_file = %s\n' "$tmp/jwt.secret" >"$tmp/turnero.conf"
if dump=$(env -u TURNERO_CONFIG TURNERO_NOTIFY_TEMPLATES_DIR="$SRC/etc/templates" \
	"$BUILD/turneroctl" -c "$tmp/turnero.conf" check-config 2>&1); then
	awk '/^\[/ { sec = substr($0, 2, length($0) - 2) } /^[a-z_0-9]+ = / { print sec, $1 }' <<<"$dump" |
		sort -u >"$tmp/keys.table"
	page_keys "$MAN/turnero.conf.5" | sort -u >"$tmp/keys.page"
	n=$(wc -l <"$tmp/keys.table")
	if [ "$n" -lt 10 ]; then
		fail "read only $n keys from turneroctl check-config"
	fi
	missing=$(comm -23 "$tmp/keys.table" "$tmp/keys.page" | sed 's/^\([^ ]*\) /[\1] /' | tr '\n' ' ')
	extra=$(comm -13 "$tmp/keys.table" "$tmp/keys.page" | sed 's/^\([^ ]*\) /[\1] /' | tr '\n' ' ')
	[ -z "$missing" ] && ok "turnero.conf.5 documents all $n configuration keys" ||
		fail "turnero.conf.5 does not document: $missing"
	[ -z "$extra" ] || fail "turnero.conf.5 documents keys the configuration does not have: $extra"
else
	sed 's/^/      /' <<<"$dump"
	fail "turneroctl check-config failed on a minimal configuration"
fi

# ---- turneroctl sub-commands ---------------------------------------------------
if help=$("$BUILD/turneroctl" --help); then
	sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z0-9-]*\).*/\1/p' <<<"$help" | sort -u >"$tmp/cmds.table"
	sed -n 's/^\.It Cm \([a-z][a-z0-9-]*\).*/\1/p' "$MAN/turneroctl.8" | sort -u >"$tmp/cmds.page"
	n=$(wc -l <"$tmp/cmds.table")
	[ "$n" -ge 5 ] || fail "read only $n sub-commands from turneroctl --help"
	missing=$(comm -23 "$tmp/cmds.table" "$tmp/cmds.page" | tr '\n' ' ')
	extra=$(comm -13 "$tmp/cmds.table" "$tmp/cmds.page" | tr '\n' ' ')
	[ -z "$missing" ] && ok "turneroctl.8 documents all $n sub-commands" ||
		fail "turneroctl.8 does not document: $missing"
	[ -z "$extra" ] || fail "turneroctl.8 documents sub-commands turneroctl does not have: $extra"
else
	fail "turneroctl --help failed"
fi

# ---- options -----------------------------------------------------------------
check_options() {
	local prog=$1 page=$2 opts missing="" opt
	opts=$("$prog" --help | grep -o -- '--[a-z][a-z-]*' | sort -u) || { fail "$prog --help failed"; return; }
	for opt in $opts; do
		grep -q -- "Fl -${opt#--}\\b" "$MAN/$page" || missing="$missing $opt"
	done
	[ -z "$missing" ] && ok "$page documents the options of ${prog##*/} --help" ||
		fail "$page does not document:$missing"
}
check_options "$BUILD/turnero-fcgi" turnero-fcgi.8
check_options "$BUILD/turneroctl" turneroctl.8
if [ -x "$BUILD/turnero-relay" ]; then
	check_options "$BUILD/turnero-relay" turnero-relay.8
else
	echo "      (no turnero-relay in this build: only its page is checked)"
fi

# ---- systemd Documentation= ----------------------------------------------------
for unit in "$SRC"/systemd/*.service "$SRC"/systemd/*.socket "$SRC"/systemd/*.timer; do
	[ -f "$unit" ] || continue
	refs=$(sed -n 's/^Documentation=//p' "$unit" | tr ' ' '\n' | sed -n 's/^man:\(.*\)(\([0-9]\))$/\1.\2/p')
	if [ -z "$refs" ]; then
		fail "${unit#"$SRC"/} names no man page (Documentation=man:...)"
		continue
	fi
	for ref in $refs; do
		[ -f "$MAN/$ref" ] || fail "${unit#"$SRC"/}: Documentation= names $ref, which man/ does not have"
	done
done
ok "systemd units' Documentation= lines checked"

# ---- installed -----------------------------------------------------------------
man_data=$(sed -n '/^dist_man_MANS/,/[^\\]$/p' "$SRC/Makefile.am")
for f in "$MAN"/*.[1-9]; do
	grep -qF "man/${f##*/}" <<<"$man_data" || fail "Makefile.am does not install man/${f##*/} (dist_man_MANS)"
done

# ---- mandoc -Tlint --------------------------------------------------------------
if command -v mandoc >/dev/null; then
	own=$(printf '%s|' "${PAGES[@]%.*}")
	own=${own%|}
	out=$(cd "$MAN" && mandoc -Tlint "${PAGES[@]}" 2>&1 |
		grep -Ev "STYLE: referenced manual not found: Xr (${own//./\\.}) [0-9]")
	if [ -z "$out" ]; then
		ok "mandoc -Tlint: ${PAGES[*]}"
	else
		sed 's/^/      /' <<<"$out"
		fail "mandoc -Tlint reports problems"
	fi
else
	fail "mandoc not found (install the Debian package mandoc)"
fi

if [ $failures -ne 0 ]; then
	echo "$failures manual page check(s) failed"
	exit 1
fi
echo "all manual page checks passed"
