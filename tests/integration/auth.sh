#!/bin/sh
# Digest and Bearer authentication against real servers, as deployed: a
# private apache2 on loopback authenticates in front of Debian's Radicale,
# which trusts the user apache2 names in X-Remote-User.  Two ports:
#   - Digest (mod_auth_digest, an htdigest file): Lena's calendar, read with
#     [server] user + password_file;
#   - Bearer (an exact "Authorization: Bearer TOKEN", else 401 with
#     WWW-Authenticate: Bearer): Marc's calendar, read with token_file.
# Checked: the plan read through both is the plan from the same calendars as
# files; apache2's log names the Digest user of each request and counts the
# 401s that Digest costs; a wrong password or token gives an error naming
# the URL and HTTP 401, and the plan says the calendar could not be read; a
# secret file readable by others is refused, named; no secret appears in
# anything tandem prints or logs.  (Radicale then believes whoever reaches
# its port, as in any such deployment: it listens on 127.0.0.1 only.)

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dav.sh"
. "$(dirname "$0")/davical-lib.sh"	# its davical_apache

TANDEMD=$top_builddir/daemon/tandemd
NOW=2027-03-01T00:00Z
REALM="tandem test"
PW=lena-digest-pw-4711
TOKEN=marc-bearer-token-0815
MODS=/usr/lib/apache2/modules


radicale_require
miss=
for f in /usr/sbin/apache2 $MODS/mod_mpm_prefork.so $MODS/mod_auth_digest.so \
    $MODS/mod_authn_file.so $MODS/mod_authn_core.so $MODS/mod_authz_core.so \
    $MODS/mod_authz_user.so $MODS/mod_proxy.so $MODS/mod_proxy_http.so \
    $MODS/mod_headers.so $MODS/mod_rewrite.so; do
	[ -e "$f" ] || miss="$miss $f"
done
if [ -n "$miss" ]; then
	echo "1..0 # SKIP apache2 (Debian's apache2 package) missing:$miss"
	exit 0
fi
trap '[ -n "$APACHE_PID" ] && _dav_reap "$APACHE_PID"; dav_cleanup; rm -rf "$tmp"' EXIT

# --- Radicale, filled with htpasswd logins as the other tests do, then
# started again trusting X-Remote-User (its command line overrides the
# [auth] type of its config file).
radicale_user lena lenapw
radicale_user marc marcpw
radicale_start "$tmp/dav"
for u in lena marc; do
	dav_mkcalendar "$u" "${u}pw" calendar
	dav_put_ics "$u" "${u}pw" calendar "$EXAMPLE/calendars/$u.ics"
done
_dav_launcher="import sys
sys.argv[1:1] = ['--auth-type', 'http_x_remote_user']
$_dav_launcher"
radicale_restart

# --- apache2: its config, pid file and logs in $tmp/apache; as root its
# children run as www-data, who must read the htdigest file.
a=$tmp/apache
mkdir -p "$a/apache-run" || exit 1
if [ "$(id -u)" -eq 0 ]; then
	chmod o+x "$tmp" && chmod 755 "$a" || exit 1
fi
"$RADICALE_PYTHON" -c 'import hashlib, sys
u, realm, pw = sys.argv[1:4]
print("%s:%s:%s" % (u, realm, hashlib.md5(("%s:%s:%s" % (u, realm, pw)).encode()).hexdigest()))' \
    lena "$REALM" "$PW" >"$a/digest.users" 8>&-
chmod 644 "$a/digest.users"

# apache_config: two free ports, and on stdout this test's part of
# apache.conf (for davical_apache).
apache_config() {
	DIGEST_PORT=$(_dav_free_port)
	BEARER_PORT=$(_dav_free_port)
	while [ "$DIGEST_PORT" = "$BEARER_PORT" ]; do
		BEARER_PORT=$(_dav_free_port)
	done
	APACHE_PORTS="$DIGEST_PORT $BEARER_PORT"
	cat <<EOT
# the auth test (tests/integration/auth.sh)
LogFormat "%{local}p %u \"%r\" %>s" tandem
CustomLog $a/access.log tandem
LoadModule authn_core_module $MODS/mod_authn_core.so
LoadModule authn_file_module $MODS/mod_authn_file.so
LoadModule auth_digest_module $MODS/mod_auth_digest.so
LoadModule authz_core_module $MODS/mod_authz_core.so
LoadModule authz_user_module $MODS/mod_authz_user.so
LoadModule headers_module $MODS/mod_headers.so
LoadModule rewrite_module $MODS/mod_rewrite.so
LoadModule proxy_module $MODS/mod_proxy.so
LoadModule proxy_http_module $MODS/mod_proxy_http.so

# Digest: the authenticated user goes to Radicale; the credentials do not.
<VirtualHost 127.0.0.1:$DIGEST_PORT>
  <Location />
    AuthType Digest
    AuthName "$REALM"
    AuthDigestProvider file
    AuthUserFile $a/digest.users
    Require valid-user
  </Location>
  RequestHeader set X-Remote-User expr=%{REMOTE_USER}
  RequestHeader unset Authorization
  ProxyPass / http://127.0.0.1:$RADICALE_PORT/
  ProxyPassReverse / http://127.0.0.1:$RADICALE_PORT/
</VirtualHost>

# Bearer: one exact token, which is Marc's; anything else is a 401.
<VirtualHost 127.0.0.1:$BEARER_PORT>
  RewriteEngine On
  RewriteCond "%{HTTP:Authorization}" "!=Bearer $TOKEN"
  RewriteRule ^ - [R=401]
  Header always set WWW-Authenticate "Bearer realm=\"$REALM\"" "expr=%{REQUEST_STATUS} == 401"
  RequestHeader set X-Remote-User marc
  RequestHeader unset Authorization
  ProxyPass / http://127.0.0.1:$RADICALE_PORT/
  ProxyPassReverse / http://127.0.0.1:$RADICALE_PORT/
</VirtualHost>
EOT
}

# Ready once both ports answer, with any status.
davical_apache "$a" apache_config 'def ready(*ports):
    for p in ports:
        c = http.client.HTTPConnection("127.0.0.1", int(p), timeout=5)
        c.request("OPTIONS", "/")
        c.getresponse().read()
        c.close()
    return True' ||
    _dav_bail "apache2 did not start" "$a/apache.out" "$a/apache-error.log"
DIGEST_URL=http://127.0.0.1:$DIGEST_PORT
BEARER_URL=http://127.0.0.1:$BEARER_PORT

# apache_done: apache2 has closed every connection to its two ports (none
# established, none that the client has closed and apache2 not yet), so it
# has logged every request: it writes a request's line after it has sent
# the answer, and a client can be done, and gone, before the last lines are
# there.  Waited for before access.log is read, and before it is emptied
# for the next client (no line of this one may land in it; nor of the
# requests that saw apache2 was ready).  (Without ss(8), not known.)
apache_done() {
	command -v ss >/dev/null || return 0
	[ -z "$(ss -Htn state established state close-wait \
	    "( sport = :$DIGEST_PORT or sport = :$BEARER_PORT )")" ]
}

# new_access_log: wait for apache_done, then empty access.log.
new_access_log() {
	wait_for 30 apache_done
	: >"$a/access.log"
}

# Every output of tandem goes into $tmp/said too, to look for secrets.
: >"$tmp/said"
said() {
	cat "$ctl_out" "$ctl_err" >>"$tmp/said"
}

# auth_config DIR: the example with Lena's calendar behind Digest and Marc's
# behind Bearer; secrets in files of mode 0600 beside tandem.conf.
auth_config() {
	edit "$1/people.csv" "s|file:calendars/lena.ics|$DIGEST_URL/lena/calendar/|"
	edit "$1/people.csv" "s|file:calendars/marc.ics|$BEARER_URL/marc/calendar/|"
	printf '%s\n' "$PW" >"$1/lena.password"
	printf '%s\n' "$TOKEN" >"$1/marc.token"
	chmod 600 "$1/lena.password" "$1/marc.token"
	cat >>"$1/tandem.conf" <<EOT

[server digest]
url           = $DIGEST_URL/
user          = lena
password_file = lena.password
timeout       = 5

[server bearer]
url           = $BEARER_URL/
token_file    = marc.token
timeout       = 5
EOT
}

# --- Both right: the plan is the files' plan.
ctl "$EXAMPLE" plan --json --now "$NOW"
cp "$ctl_out" "$tmp/files.json"
d=$(example_copy auth)
auth_config "$d"
new_access_log
ctl "$d" plan --json --now "$NOW"
said
wait_for 30 apache_done
cp "$ctl_out" "$tmp/auth.json"
if [ "$ctl_rc" -eq 0 ] && [ ! -s "$ctl_err" ] &&
    cmp -s "$tmp/files.json" "$tmp/auth.json"; then
	ok "a plan read through Digest and Bearer is the plan from the same calendars as files"
else
	not_ok "a plan read through Digest and Bearer is the files' plan (exit $ctl_rc)"
	diag "$ctl_err"
	diff "$tmp/files.json" "$tmp/auth.json" | head -20 | diag
	diag "$a/access.log" "$a/apache-error.log"
fi
cp "$a/access.log" "$tmp/good.log"
grep "^$DIGEST_PORT " "$tmp/good.log" >"$tmp/digest.log"
grep "^$BEARER_PORT " "$tmp/good.log" >"$tmp/bearer.log"
authed=$(grep -c -v " 401\$" "$tmp/digest.log")
challenged=$(grep -c " 401\$" "$tmp/digest.log")
t "apache2 logs each Digest request that got through (PROPFIND, REPORT: $authed) as Lena's" \
    'grep -q "^$DIGEST_PORT lena \"PROPFIND /lena/calendar/ HTTP/1.1\" 207\$" "$tmp/digest.log" && grep -q "^$DIGEST_PORT lena \"REPORT /lena/calendar/ HTTP/1.1\" 207\$" "$tmp/digest.log" && ! grep -v " 401\$" "$tmp/digest.log" | grep -q -v "^$DIGEST_PORT lena "'
echo "# Digest: $authed requests answered, after $challenged 401 challenges"
t "Digest costs at most one 401 challenge per request ($challenged for $authed)" \
    '[ "$challenged" -ge 1 ] && [ "$challenged" -le "$authed" ] && ! grep " 401\$" "$tmp/digest.log" | grep -q -v "^$DIGEST_PORT - "'
t "the Bearer token is taken at the first request: no 401" \
    'grep -q "^$BEARER_PORT - \"REPORT /marc/calendar/ HTTP/1.1\" 207\$" "$tmp/bearer.log" && ! grep -q " 401\$" "$tmp/bearer.log"'

# --- Wrong password: an error naming the URL and the 401; the plan says
# Lena's calendar could not be read.
w=$(example_copy wrong-pw)
auth_config "$w"
printf 'not-the-password\n' >"$w/lena.password"
ctl "$w" plan --now "$NOW"
said
t "a wrong password: exit 75 (the plan is not sure), an error naming the URL and HTTP 401" \
    '[ "$ctl_rc" -eq 75 ] && grep "$DIGEST_URL/lena/calendar/" "$ctl_err" | grep -q "401"'
diag "$ctl_err"
t "a wrong password: the plan says Lena's calendar could not be read" \
    'grep -q "the calendar of lena.vogel@corp.example could not be read (.*401" "$ctl_out"'
t "a wrong password: Marc's calendar is still read through Bearer" \
    '! grep "$BEARER_URL" "$ctl_err" | grep -q .'

# --- Wrong token.
b=$(example_copy wrong-token)
auth_config "$b"
printf 'marc-bearer-token-0816\n' >"$b/marc.token"
new_access_log
ctl "$b" plan --now "$NOW"
said
wait_for 30 apache_done
cp "$a/access.log" "$tmp/wrong-token.log"
t "a wrong token: exit 75, an error naming the URL and HTTP 401" \
    '[ "$ctl_rc" -eq 75 ] && grep "$BEARER_URL/marc/calendar/" "$ctl_err" | grep -q "401"'
diag "$ctl_err"
t "a wrong token: the plan says Marc's calendar could not be read" \
    'grep -q "the calendar of marc.dubois@corp.example could not be read (.*401" "$ctl_out"'
t "a wrong token: apache2 refused it with 401 and passed nothing to Radicale" \
    'grep -q "^$BEARER_PORT - \"[A-Z]* /marc/calendar/ HTTP/1.1\" 401\$" "$tmp/wrong-token.log" && ! grep "^$BEARER_PORT " "$tmp/wrong-token.log" | grep -q -v " 401\$"'

# --- A secret file readable by others is refused, by name.
for k in lena.password marc.token; do
	m=$(example_copy "mode-$k")
	auth_config "$m"
	chmod 644 "$m/$k"
	ctl "$m" plan --now "$NOW"
	said
	t "a $k of mode 0644 is refused with an error naming the file" \
	    'grep "$m/$k" "$ctl_err" | grep -q "0644"'
	diag "$ctl_err"
done

# --- A daemon pass, logging at debug level, through both.
new_access_log
"$TANDEMD" -d -v -c "$d/tandem.conf" --once --now "$NOW" \
    >"$tmp/tandemd.log" 2>&1 8>&-
rc=$?
cat "$tmp/tandemd.log" >>"$tmp/said"
wait_for 30 apache_done
t "a tandemd pass reads both calendars through Digest and Bearer and exits 0" \
    '[ $rc -eq 0 ] && ! grep -q "HTTP [0-9]\|not fetched\|unreadable" "$tmp/tandemd.log" && grep -q "^$DIGEST_PORT lena \"REPORT /lena/calendar/ HTTP/1.1\" 207\$" "$a/access.log" && grep -q "^$BEARER_PORT - \"REPORT /marc/calendar/ HTTP/1.1\" 207\$" "$a/access.log"'

t "neither the password nor the token appears in anything tandem printed or logged" \
    '[ -s "$tmp/said" ] && ! grep -q -F -e "$PW" -e "$TOKEN" -e "not-the-password" -e "marc-bearer-token-0816" "$tmp/said"'

done_testing
