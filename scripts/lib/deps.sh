# shellcheck shell=bash
# The one list of Debian 12 packages turnero needs to build, test and run a
# local stack, and ensure_deps to install what is missing. Source this file.

TURNERO_DEPS=(
	# build
	build-essential autoconf automake pkgconf make
	libfcgi-dev libjson-c-dev libmariadb-dev libjwt-dev libargon2-dev libinih-dev
	uuid-dev libssl-dev
	# tests
	check libcurl4-openssl-dev valgrind
	# private stack: database, web server, certificates, health probes, free ports
	mariadb-server mariadb-client nginx openssl curl iproute2 procps util-linux
	# make check-cluster (scripts/check runs it): Galera nodes with rsync state transfers
	# (mariadb-server depends on both; named here because the test needs them)
	galera-4 rsync
	# local mail sink (stack.sh): every message as one file in a Maildir
	python3-aiosmtpd
	# live updates: nginx's nchan module (turnero-relay links libcurl, listed above)
	libnginx-mod-nchan
	# tests/deploy/check-deploy.sh: systemd-analyze, systemd-sysusers, systemd-tmpfiles
	systemd
	# scripts/check lints openapi.yaml with tools/'s pinned @redocly/cli (needs npm too, below)
	nodejs
	# tests/deploy/check-man.sh: mandoc -Tlint on man/
	mandoc
	# the web app: node and npm build it (npm packages come from web/package-lock.json);
	# its end-to-end tests drive Debian's chromium, with fonts for readable screenshots
	chromium fonts-dejavu-core
)

# Prints the packages of TURNERO_DEPS that are not installed, one per line.
deps_missing() {
	local pkg
	for pkg in "${TURNERO_DEPS[@]}"; do
		dpkg-query -W -f='${db:Status-Status}\n' "$pkg" 2>/dev/null | grep -qx installed || echo "$pkg"
	done
	# Debian's npm, unless the installed nodejs build brings its own.
	command -v npm >/dev/null 2>&1 || echo npm
}

# Installs whatever of TURNERO_DEPS is missing, quietly (apt-get's output is
# shown only when it fails). Needs root when something is missing.
# Returns 0 when everything is installed.
ensure_deps() {
	local missing=() pkg log rc=0 policy=/usr/sbin/policy-rc.d our_policy=0
	mapfile -t missing < <(deps_missing)
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing Debian packages: ${missing[*]}" >&2
		echo "run as root, or: apt-get install ${missing[*]}" >&2
		return 1
	fi
	echo "installing Debian packages: ${missing[*]}" >&2
	log=$(mktemp)
	export DEBIAN_FRONTEND=noninteractive
	# Package scripts must not start the machine's own MariaDB or nginx: the
	# private stack runs its own, and a container has no init to start them.
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && our_policy=1
	fi
	# Update the package lists once per run, and only when something is missing.
	if [ -z "${TURNERO_APT_UPDATED:-}" ]; then
		apt-get -q update >"$log" 2>&1 || rc=$?
		[ $rc -eq 0 ] && TURNERO_APT_UPDATED=1
	fi
	if [ $rc -eq 0 ]; then
		apt-get -q -y --no-install-recommends -o Dpkg::Use-Pty=0 \
			-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
			install "${missing[@]}" >>"$log" 2>&1 || rc=$?
	fi
	[ $our_policy -eq 1 ] && rm -f "$policy"
	if [ $rc -ne 0 ]; then
		tail -n 40 "$log" >&2
		echo "apt-get failed (exit $rc) installing: ${missing[*]}" >&2
	else
		# A package may be known to apt but still not end up installed.
		mapfile -t missing < <(deps_missing)
		if [ ${#missing[@]} -ne 0 ]; then
			echo "still missing after apt-get: ${missing[*]}" >&2
			rc=1
		fi
	fi
	rm -f "$log"
	return $rc
}
