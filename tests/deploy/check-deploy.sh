#!/usr/bin/env bash
# Checks the deployment files as they will be installed:
#   - nginx/ with "nginx -t": turnero-locations.conf inside a site's own
#     default server, the stand-alone turnero.conf next to such a site (both
#     unchanged but for the certificate and include directories: a throw-away
#     certificate, this checkout), and the copy scripts/lib/stack.sh renders
#     for private stacks; every nginx/*.conf is installed by Makefile.am;
#   - the units with "systemd-analyze verify" in a temporary root that holds
#     the unit files unchanged, the system's own units and the programs at the
#     paths ExecStart names (the build's binaries when TURNERO_BUILD_DIR is set,
#     else stand-in executables), plus "systemd-analyze security" exposure;
#   - systemd/turnero.sysusers and turnero.tmpfiles applied to that root;
#   - etc/turnero.conf: accepted by "turneroctl check-config" and naming every
#     key turneroctl knows (when a build is available).
#
# Real errors: a non-zero exit of any tool, and any diagnostic those tools
# print, because systemd only warns (exit 0) about unknown keys, unparsable
# values and unknown system-call groups, which would silently drop hardening.
# The exception is a short list of messages about the host environment (see
# ENV_NOISE) that never name one of our files or units; they are shown as notes.
#
# Exit status 0 when everything passed, 1 otherwise.
set -u -o pipefail

SRC=${TURNERO_SRC_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${TURNERO_BUILD_DIR:-}
UNITS=(turnero.socket turnero.service turnero-restart.service turnero-restart.timer turnero-relay.service)
INSTALLED=(/usr/local/sbin/turnero-fcgi /usr/local/sbin/turnero-relay /usr/local/bin/turneroctl)
# Highest acceptable "systemd-analyze security" exposure, times ten (2.0 = "OK").
MAX_EXPOSURE=20
ENV_NOISE='cgroup|control group|Failed to connect to (the )?bus|No such file or directory.*/proc/|Failed to (determine|set up|setup) (user|mount) namespace'

failures=0
ok() { echo "ok:   $*"; }
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# Prints a tool's diagnostics, returning 1 when any of them is a real error.
judge() {
	local out=$1 line bad=0
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		if [[ ! $line =~ turnero ]] && [[ $line =~ $ENV_NOISE ]]; then
			echo "      note (host environment, ignored): $line"
		else
			echo "      $line"
			bad=1
		fi
	done <<<"$out"
	return $bad
}

need() {
	command -v "$1" >/dev/null && return 0
	fail "$1 not found (install the Debian package $2)"
	return 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/turnero-deploy.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

echo "checking deployment files in $SRC"

# ---- nginx ------------------------------------------------------------------
# shellcheck source=scripts/lib/stack.sh
. "$SRC/scripts/lib/stack.sh"

# nginx_test WHAT DIR HTTP_BODY: "nginx -t" on a main configuration in DIR
# whose http {} holds HTTP_BODY.
nginx_test() {
	local what=$1 dir=$2 body=$3 out rc
	cp /etc/nginx/fastcgi_params "$dir/" || return 1
	mkdir -p "$dir/tmp"
	cat >"$dir/nginx.conf" <<NGINX
load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
pid $dir/nginx.pid;
error_log $dir/error.log;
events {}
http {
	client_body_temp_path $dir/tmp/body;
	fastcgi_temp_path $dir/tmp/fastcgi;
	proxy_temp_path $dir/tmp/proxy;
	uwsgi_temp_path $dir/tmp/uwsgi;
	scgi_temp_path $dir/tmp/scgi;
$body
}
NGINX
	out=$(nginx -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" 2>&1)
	rc=$?
	if judge "$out" && [ $rc -eq 0 ]; then
		ok "nginx -t: $what"
	else
		fail "nginx -t (exit $rc): $what"
	fi
}

# A site's own servers, as a sysadmin already has them: the default server on
# 80 and on 443 with its own name, certificate and single-value settings that
# turnero's files must not repeat (nginx refuses a duplicate).
site_server() {
	local tls=$1 extra=$2
	cat <<NGINX
	server {
		listen 80 default_server;
		listen [::]:80 default_server;
		server_name _;
		return 301 https://\$host\$request_uri;
	}
	server {
		listen 443 ssl http2 default_server;
		listen [::]:443 ssl http2 default_server;
		server_name site.example;
		ssl_certificate $tls/cert.pem;
		ssl_certificate_key $tls/key.pem;
		server_tokens off;
		client_max_body_size 1m;
		client_body_buffer_size 16k;
		client_header_buffer_size 1k;
		large_client_header_buffers 4 16k;
		gzip on;
		root /var/www/html;
		location / {
			try_files \$uri \$uri/ =404;
		}
		location ~ \.php\$ {
			return 403;
		}
		error_page 404 /404.html;
$extra
	}
NGINX
}

if need nginx nginx && need openssl openssl; then
	if stack_make_cert "$tmp/tls" >/dev/null 2>&1; then
		mkdir -p "$tmp/nginx-prod" "$tmp/nginx-site" "$tmp/nginx-stack"
		# Production: only the certificate directory, the directory the files
		# are installed in (nginx -t loads the files) and the cache directory
		# (which nginx -t would otherwise create on this machine) and the
		# publisher's socket directory (nginx -t binds unix sockets) move.
		mkdir -p "$tmp/run-live"
		for f in "$SRC"/nginx/*.conf; do
			sed -e '/^[[:space:]]*#/b' -e "s|/etc/turnero/tls/|$tmp/tls/|g" \
				-e "s|/usr/local/share/turnero/nginx/|$tmp/nginx-prod/|g" \
				-e "s|/var/cache/turnero-nginx|$tmp/nginx-cache-prod|g" \
				-e "s|/run/turnero-live/|$tmp/run-live/|g" \
				"$f" >"$tmp/nginx-prod/${f##*/}"
		done
		# 1. The locations inside a site's existing default server.
		nginx_test "nginx/turnero-locations.conf inside a site's own default server" "$tmp/nginx-site" \
			"	include $tmp/nginx-prod/turnero-http.conf;
$(site_server "$tmp/tls" "		include $tmp/nginx-prod/turnero-locations.conf;")"
		# 2. The stand-alone server next to a site that already has default servers.
		nginx_test "nginx/turnero.conf (production, certificate paths replaced) next to a site's default server" \
			"$tmp/nginx-prod" "$(site_server "$tmp/tls" "")
	include $tmp/nginx-prod/turnero.conf;"
		# 3. The stand-alone server alone, as private stacks render it.
		mkdir -p "$tmp/run"
		if stack_render_nginx "$SRC/nginx" "$tmp/nginx-stack" 18443 \
			"$tmp/tls" "$tmp/run/turnero.sock" 2>"$tmp/render.err"; then
			ok "stack.sh renders nginx/*.conf (listen, certificates, sockets, includes replaced)"
			nginx_test "nginx/turnero.conf as rendered for a private stack" "$tmp/nginx-stack" \
				"	include $tmp/nginx-stack/turnero.conf;"
		else
			cat "$tmp/render.err"
			fail "stack.sh cannot render nginx/*.conf"
		fi
		# Every file is installed (an include of a file "make install" leaves out
		# would fail only on the installed system).
		nginx_data=$(sed -n '/^dist_nginx_DATA/,/[^\\]$/p' "$SRC/Makefile.am")
		for f in "$SRC"/nginx/*.conf; do
			grep -qF "nginx/${f##*/}" <<<"$nginx_data" ||
				fail "Makefile.am does not install nginx/${f##*/} (dist_nginx_DATA)"
		done
	else
		fail "openssl could not make a test certificate"
	fi
fi

# ---- systemd ----------------------------------------------------------------
root=$tmp/root
setup_root() {
	local unit exe
	mkdir -p "$root/etc/systemd/system" "$root/usr/lib/systemd" "$root/usr/bin" "$root/usr/sbin" \
		"$root/usr/local/bin" "$root/usr/local/sbin" \
		"$root/usr/lib/sysusers.d" "$root/usr/lib/tmpfiles.d" || return 1
	ln -s usr/bin "$root/bin" && ln -s usr/sbin "$root/sbin" && ln -s usr/lib "$root/lib" || return 1
	# The system's units, so dependencies such as sysinit.target resolve.
	cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/" || return 1
	for unit in "${UNITS[@]}"; do
		cp "$SRC/systemd/$unit" "$root/etc/systemd/system/" || return 1
	done
	# Our programs where "make install" puts them with the default prefix
	# (sbin_PROGRAMS, bin_PROGRAMS), so a unit naming another path fails.
	for exe in "${INSTALLED[@]}"; do
		if [ -n "$BUILD" ] && [ -x "$BUILD/$(basename "$exe")" ]; then
			cp "$BUILD/$(basename "$exe")" "$root$exe" || return 1
		else
			printf '#!/bin/sh\nexit 0\n' >"$root$exe" && chmod 755 "$root$exe" || return 1
		fi
	done
	# Any other program the units run comes from this system.
	while read -r exe; do
		[ -e "$root$exe" ] || [ ! -x "$exe" ] && continue
		mkdir -p "$root$(dirname "$exe")" && cp "$exe" "$root$exe" || return 1
	done < <(sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\(\/[^ ]*\).*/\1/p' "$root/etc/systemd/system/"*)
	cp "$SRC/systemd/turnero.sysusers" "$root/usr/lib/sysusers.d/turnero.conf" &&
		cp "$SRC/systemd/turnero.tmpfiles" "$root/usr/lib/tmpfiles.d/turnero.conf"
}

if need systemd-analyze systemd; then
	if setup_root; then
		if [ -n "$BUILD" ] && [ -x "$BUILD/turnero-fcgi" ]; then
			echo "      (ExecStart programs: the build's binaries from $BUILD)"
		else
			echo "      (ExecStart programs: stand-ins; set TURNERO_BUILD_DIR to use a build)"
		fi
		out=$(cd "$root/etc/systemd/system" &&
			systemd-analyze verify --man=no --root="$root" "${UNITS[@]}" 2>&1)
		rc=$?
		if judge "$out" && [ $rc -eq 0 ]; then
			ok "systemd-analyze verify: ${UNITS[*]}"
		else
			fail "systemd-analyze verify (exit $rc): ${UNITS[*]}"
		fi
		for unit in turnero.service turnero-restart.service turnero-relay.service; do
			out=$(cd "$root/etc/systemd/system" && systemd-analyze security --no-pager --offline=true \
				--root="$root" --threshold=$MAX_EXPOSURE "$unit" 2>&1)
			rc=$?
			level=$(grep -o 'Overall exposure level for .*' <<<"$out")
			if [ $rc -eq 0 ]; then
				ok "systemd-analyze security: ${level:-$unit} (limit $((MAX_EXPOSURE / 10)).$((MAX_EXPOSURE % 10)))"
			else
				grep -E '^✗' <<<"$out" | sed 's/^/      /'
				fail "systemd-analyze security: ${level:-$unit} is above $((MAX_EXPOSURE / 10)).$((MAX_EXPOSURE % 10))"
			fi
		done
		calendar=$(sed -n 's/^OnCalendar=//p' "$SRC/systemd/turnero-restart.timer")
		if next=$(systemd-analyze calendar "$calendar" 2>&1 | grep -m1 'Next elapse'); then
			ok "turnero-restart.timer OnCalendar=$calendar (${next#*: })"
		else
			fail "turnero-restart.timer: cannot parse OnCalendar=$calendar"
		fi
	else
		fail "could not prepare a temporary root for systemd-analyze"
	fi
fi

if need systemd-sysusers systemd && need systemd-tmpfiles systemd && [ -d "$root/usr/lib/sysusers.d" ]; then
	out=$(systemd-sysusers --root="$root" 2>&1)
	rc=$?
	out=$(grep -v '^Creating \(user\|group\) ' <<<"$out")
	if judge "$out" && [ $rc -eq 0 ] && grep -q '^turnero:' "$root/etc/passwd"; then
		ok "systemd-sysusers: systemd/turnero.sysusers creates the turnero user"
	else
		fail "systemd-sysusers (exit $rc): systemd/turnero.sysusers"
	fi
	out=$(systemd-tmpfiles --root="$root" --create 2>&1)
	rc=$?
	if judge "$out" && [ $rc -eq 0 ] && [ -d "$root/run/turnero" ] && [ -d "$root/etc/turnero" ]; then
		ok "systemd-tmpfiles --create: systemd/turnero.tmpfiles"
	else
		fail "systemd-tmpfiles (exit $rc): systemd/turnero.tmpfiles"
	fi
fi

# ---- etc/turnero.conf -------------------------------------------------------
ctl=""
[ -n "$BUILD" ] && [ -x "$BUILD/turneroctl" ] && ctl=$BUILD/turneroctl
if [ -n "$ctl" ]; then
	head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/jwt.secret"
	# The notification templates as shipped (make install puts them at the default path).
	if out=$(env -u TURNERO_CONFIG TURNERO_AUTH_SECRET_FILE="$tmp/jwt.secret" \
		TURNERO_NOTIFY_TEMPLATES_DIR="$SRC/etc/templates" \
		"$ctl" -c "$SRC/etc/turnero.conf" check-config 2>&1); then
		ok "turneroctl check-config accepts etc/turnero.conf"
		missing=""
		while read -r key; do
			grep -Eq "^[#;]?[[:space:]]*${key}[[:space:]]*=" "$SRC/etc/turnero.conf" || missing="$missing $key"
		done < <(sed -n 's/^\([a-z_0-9]*\) = .*/\1/p' <<<"$out")
		if [ -z "$missing" ]; then
			ok "etc/turnero.conf documents every key turneroctl knows"
		else
			fail "etc/turnero.conf does not mention:$missing"
		fi
	else
		# shellcheck disable=SC2001
		sed 's/^/      /' <<<"$out"
		fail "turneroctl check-config rejects etc/turnero.conf"
	fi
else
	echo "      (etc/turnero.conf: no turneroctl build to check it with; set TURNERO_BUILD_DIR)"
fi

if [ $failures -ne 0 ]; then
	echo "$failures deployment check(s) failed"
	exit 1
fi
echo "all deployment checks passed"
