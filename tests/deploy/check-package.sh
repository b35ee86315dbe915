#!/usr/bin/env bash
# make check-package (not part of make check: it takes a few minutes and needs
# the Debian mirror of this machine's apt sources). As root:
#   1. copies the source tree (tracked and untracked files, no build output) to
#      a temporary directory and builds the binary package there with
#      "dpkg-buildpackage -us -uc -b" (the unit tests run inside the build);
#   2. lintian on the result: no error or warning;
#   3. checks that the package holds every program, unit, nginx file,
#      migration and man page of the source tree;
#   4. debootstraps a fresh minimal Debian 12 tree, installs the package there
#      with apt-get (which pulls its dependencies and recommendations: nginx,
#      mariadb-client) and checks the installed system: the turnero user and
#      /etc/turnero made by the maintainer scripts, the conffile, the programs
#      running, "systemd-analyze verify" on the installed units, the man pages
#      with "man -l", "nginx -t" with the installed nginx/turnero.conf, and
#      "turneroctl migrate" (twice: the second applies nothing) against a
#      private MariaDB whose data directory lives in that tree.
#
# Needs: dpkg-dev debhelper fakeroot lintian debootstrap man-db mariadb-server
# openssl (not in scripts/lib/deps.sh: CI does not run this target).
# Environment: TURNERO_DEBIAN_MIRROR (default: the first Debian URI of the
# apt sources), TURNERO_KEEP=1 keeps the temporary directory.
set -u -o pipefail

SRC=${TURNERO_SRC_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SUITE=bookworm
failures=0
ok() { echo "ok:   $*"; }
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
die() {
	echo "FAIL: $*"
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot)"
for tool in dpkg-buildpackage dh fakeroot lintian debootstrap man mariadbd openssl; do
	command -v "$tool" >/dev/null || die "$tool not found (apt-get install dpkg-dev debhelper fakeroot lintian debootstrap man-db mariadb-server openssl)"
done

mirror=${TURNERO_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
	mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's/^URIs: *\([^ ]*\/debian\/\{0,1\}\)$/\1/p' | head -n 1)
	[ -n "$mirror" ] ||
		mirror=$(sed -n 's/^deb  *\(\[[^]]*\]  *\)\{0,1\}\([^ ]*\/debian\/\{0,1\}\) .*/\2/p' /etc/apt/sources.list 2>/dev/null | head -n 1)
fi
[ -n "$mirror" ] || die "no Debian mirror in the apt sources; set TURNERO_DEBIAN_MIRROR"

work=$(mktemp -d "${TMPDIR:-/tmp}/turnero-pkg.XXXXXX") || exit 1
root=$work/root
cleanup() {
	if [ -n "${db_dir:-}" ] && [ -d "$db_dir" ]; then
		stack_db_stop "$db_dir" 2>/dev/null
	fi
	mountpoint -q "$root/proc" && umount "$root/proc"
	if [ -n "${TURNERO_KEEP:-}" ]; then
		echo "kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
# shellcheck source=scripts/lib/stack.sh
. "$SRC/scripts/lib/stack.sh"

# ---- 1. build ------------------------------------------------------------------
mkdir -p "$work/src" || exit 1
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$SRC" && git ls-files -co --exclude-standard -z | grep -zvE '^(build|debian/build|\.dev)/' |
		tar -c --null -T -) | tar -x -C "$work/src" || die "cannot copy the source tree"
else
	(cd "$SRC" && tar -c --exclude=./build --exclude=./.dev --exclude=./debian/build .) |
		tar -x -C "$work/src" || die "cannot copy the source tree"
fi
echo "building the package in $work/src (log: build.log)"
if ! (cd "$work/src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	tail -n 40 "$work/build.log"
	die "dpkg-buildpackage failed"
fi
deb=$(ls "$work"/turnero_*_*.deb 2>/dev/null | head -n 1)
[ -f "$deb" ] || die "no turnero_*.deb built"
ok "dpkg-buildpackage -us -uc -b: ${deb##*/}"

# ---- 2. lintian --------------------------------------------------------------------
if out=$(lintian --fail-on error,warning "$work"/turnero_*.changes 2>&1 | grep -v 'running with root privileges'); [ -z "$out" ]; then
	ok "lintian: no errors or warnings"
else
	sed 's/^/      /' <<<"$out"
	lintian --fail-on error,warning "$work"/turnero_*.changes >/dev/null 2>&1 &&
		ok "lintian: only notes" || fail "lintian reports errors or warnings"
fi

# ---- 3. contents -------------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/contents"
expect=(/usr/sbin/turnero-fcgi /usr/bin/turneroctl /etc/turnero/turnero.conf
	/usr/lib/sysusers.d/turnero.conf /usr/lib/tmpfiles.d/turnero.conf)
for f in "$SRC"/systemd/*.service "$SRC"/systemd/*.socket "$SRC"/systemd/*.timer; do
	expect+=("/usr/lib/systemd/system/${f##*/}")
done
for f in "$SRC"/nginx/*.conf; do expect+=("/usr/share/turnero/nginx/${f##*/}"); done
for f in "$SRC"/sql/*.sql; do expect+=("/usr/share/turnero/sql/${f##*/}"); done
for f in "$SRC"/man/*.[1-9]; do expect+=("/usr/share/man/man${f##*.}/${f##*/}.gz"); done
[ -d "$SRC/web" ] && expect+=(/usr/share/turnero/web/)
missing=""
for f in "${expect[@]}"; do
	grep -qxF "$f" "$work/contents" || missing="$missing $f"
done
[ -z "$missing" ] && ok "the package holds all ${#expect[@]} expected files" || fail "not in the package:$missing"
dpkg-deb -f "$deb" Depends | grep -q 'systemd' && ok "Depends names systemd(-sysusers)" ||
	fail "Depends does not name systemd-sysusers"

# ---- 4. a fresh Debian 12 ----------------------------------------------------------------
echo "debootstrap --variant=minbase $SUITE (log: debootstrap.log)"
debootstrap --variant=minbase "$SUITE" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
	{ tail -n 20 "$work/debootstrap.log"; die "debootstrap failed"; }
mount -t proc proc "$root/proc" || die "cannot mount /proc in the tree"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
# Nothing starts services inside the tree.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
cp "$deb" "$root/tmp/" || exit 1
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
echo "apt-get install ./${deb##*/} in the tree (log: install.log)"
if in_root sh -c "apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get -q -y install /tmp/${deb##*/}" \
	>"$work/install.log" 2>&1; then
	ok "apt-get install ${deb##*/} into a fresh Debian 12 ($SUITE minbase)"
else
	tail -n 30 "$work/install.log"
	die "the package does not install"
fi

# The maintainer scripts: sysusers and tmpfiles.
in_root id turnero >/dev/null 2>&1 && ok "postinst created the system user turnero" ||
	fail "no user turnero after installing"
perm=$(in_root stat -c '%a %U %G' /etc/turnero /etc/turnero/turnero.conf | tr '\n' ' ')
[ "$perm" = "750 root turnero 640 root turnero " ] && ok "/etc/turnero: $perm" ||
	fail "/etc/turnero and turnero.conf: '$perm', want '750 root turnero 640 root turnero'"
in_root dpkg-query -W -f='${Conffiles}\n' turnero | grep -q '/etc/turnero/turnero.conf' &&
	ok "/etc/turnero/turnero.conf is a conffile" || fail "/etc/turnero/turnero.conf is not a conffile"

# The programs.
if out=$(in_root turneroctl --help 2>&1) && grep -q migrate <<<"$out" &&
	in_root turnero-fcgi --version >/dev/null 2>&1; then
	ok "installed turneroctl --help and turnero-fcgi --version run"
else
	fail "the installed programs do not run: $out"
fi

# The units, as installed (ExecStart= must name the installed programs).
units=()
for f in "$root"/usr/lib/systemd/system/turnero*; do units+=("${f##*/}"); done
out=$(cd "$root/usr/lib/systemd/system" && systemd-analyze verify --man=no --root="$root" "${units[@]}" 2>&1)
rc=$?
out=$(grep -Ev 'cgroup|control group|Failed to connect to (the )?bus' <<<"$out")
if [ $rc -eq 0 ] && [ -z "$out" ]; then
	ok "systemd-analyze verify --root: ${units[*]}"
else
	sed 's/^/      /' <<<"$out"
	fail "systemd-analyze verify (exit $rc) on the installed units"
fi
grep -h '^Exec' "$root"/usr/lib/systemd/system/turnero* | grep -q /usr/local/ &&
	fail "an installed unit still names /usr/local"
for ref in $(sed -n 's/^Documentation=//p' "$root"/usr/lib/systemd/system/turnero* | tr ' ' '\n' |
	sed -n 's/^man:\(.*\)(\([0-9]\))$/\1.\2/p' | sort -u); do
	[ -f "$root/usr/share/man/man${ref##*.}/$ref.gz" ] || fail "Documentation= names $ref, which is not installed"
done

# The man pages.
for page in "$root"/usr/share/man/man*/turnero*; do
	if out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) && [ -z "$out" ]; then
		ok "man -l ${page#"$root"}"
	else
		sed 's/^/      /' <<<"$out"
		fail "man -l ${page#"$root"}"
	fi
done

# nginx with the installed stand-alone server, next to Debian's default site.
stack_make_cert "$root/etc/turnero/tls" >/dev/null || fail "openssl could not make a certificate"
echo 'include /usr/share/turnero/nginx/turnero.conf;' >"$root/etc/nginx/conf.d/turnero.conf"
if out=$(in_root nginx -t 2>&1); then
	ok "nginx -t in the tree with /usr/share/turnero/nginx/turnero.conf"
else
	sed 's/^/      /' <<<"$out"
	fail "nginx -t in the tree"
fi

# Migrations from /usr/share/turnero/sql against a private MariaDB.
db_dir=$root/srv/turnero-test
if stack_db_start "$db_dir" 2>"$work/db.log"; then
	in_root sh -c 'umask 027 && turneroctl gen-secret > /etc/turnero/jwt.secret'
	cat >"$root/etc/turnero/test.conf" <<CONF
[database]
socket = /srv/turnero-test/run/mysql.sock
password_file = /srv/turnero-test/db.password
CONF
	first=$(in_root turneroctl -c /etc/turnero/test.conf migrate 2>&1)
	rc1=$?
	second=$(in_root turneroctl -c /etc/turnero/test.conf migrate 2>&1)
	rc2=$?
	nsql=$(ls "$root"/usr/share/turnero/sql/*.sql | wc -l)
	if [ $rc1 -eq 0 ] && grep -q "migrate: $nsql applied" <<<"$first" && [ $rc2 -eq 0 ] &&
		grep -q 'migrate: 0 applied' <<<"$second"; then
		ok "turneroctl migrate in the tree: $nsql applied, then 0"
	else
		printf '%s\n%s\n' "$first" "$second" | sed 's/^/      /'
		fail "turneroctl migrate in the tree"
	fi
	if out=$(in_root turneroctl -c /etc/turnero/test.conf check-config 2>&1); then
		ok "turneroctl check-config in the tree"
	else
		sed 's/^/      /' <<<"$out"
		fail "turneroctl check-config in the tree"
	fi
else
	cat "$work/db.log"
	fail "could not start a private MariaDB"
fi

if [ $failures -ne 0 ]; then
	echo "$failures package check(s) failed"
	exit 1
fi
echo "all package checks passed"
