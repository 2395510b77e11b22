#!/bin/bash
# check-kiosk.sh: the lobby kiosk's install files (data/kiosk/, docs/kiosk.md) are what
# systemd reads without a word: the unit passes `systemd-analyze verify` and starts cage on
# tty1 as the kiosk user with the build's myaltamed --kiosk; systemd-sysusers and
# systemd-tmpfiles, in a root folder of their own, make the user and its home (0700); the PAM
# file names modules this machine has; the example configurations are key files with the
# keys the app reads.
#
# Copyright 2026 The MyAltaMed for Linux authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-kiosk.sh UNIT KIOSK-DATA-DIR

set -u

unit=$1
data=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

if [ ! -x /usr/bin/cage ]; then
  echo "1..0 # SKIP cage is not installed (tools/install-deps installs it)"
  exit 0
fi

failed=0
n=0
check() {  # check NAME COMMAND...: ok when COMMAND succeeds
  local name=$1
  shift
  n=$((n + 1))
  if "$@"; then
    echo "ok $n $name"
  else
    echo "not ok $n $name"
    failed=1
  fi
}

cp "$unit" "$dir/myaltamed-kiosk.service"
check "ExecStart= runs cage, a session bus of its own and myaltamed --kiosk" \
  grep -Eq '^ExecStart=/usr/bin/cage -d -- /usr/bin/dbus-run-session -- /[^ ]*/myaltamed --kiosk$' \
  "$dir/myaltamed-kiosk.service"
check "it runs as myaltamed-kiosk on tty1, in a logind session, restarted always" \
  bash -c "grep -qx 'User=myaltamed-kiosk' '$unit' && grep -qx 'TTYPath=/dev/tty1' '$unit' &&
           grep -qx 'PAMName=myaltamed-kiosk' '$unit' && grep -qx 'Restart=always' '$unit' &&
           grep -qx 'Conflicts=getty@tty1.service' '$unit'"
check "cage may not switch virtual terminals (no -s)" \
  bash -c "! grep -Eq '^ExecStart=.*cage[^-]*-s' '$unit'"

verify_output() {
  output=$(cd "$dir" && systemd-analyze verify ./myaltamed-kiosk.service 2>&1)
  status=$?
  [ $status -eq 0 ] && [ -z "$output" ] && return 0
  printf '%s\n' "$output" | sed 's/^/# /'
  return 1
}
check "systemd-analyze verify" verify_output

root=$dir/root
mkdir -p "$root/etc" "$root/usr/lib/sysusers.d" "$root/usr/lib/tmpfiles.d"
cp "$data/myaltamed-kiosk.sysusers" "$root/usr/lib/sysusers.d/myaltamed-kiosk.conf"
cp "$data/myaltamed-kiosk.tmpfiles" "$root/usr/lib/tmpfiles.d/myaltamed-kiosk.conf"
sysusers_ok() {
  systemd-sysusers --root="$root" myaltamed-kiosk.conf >/dev/null 2>&1 &&
    grep -q '^myaltamed-kiosk:x:[0-9]*:[0-9]*:MyAltaMed lobby kiosk:/var/lib/myaltamed-kiosk:/usr/sbin/nologin$' \
      "$root/etc/passwd"
}
check "systemd-sysusers makes the user, with no login shell" sysusers_ok
tmpfiles_ok() {
  local uid
  uid=$(awk -F: '$1 == "myaltamed-kiosk" { print $3 }' "$root/etc/passwd")
  systemd-tmpfiles --root="$root" --create myaltamed-kiosk.conf >/dev/null 2>&1 &&
    [ "$(stat -c '%a %u' "$root/var/lib/myaltamed-kiosk")" = "700 $uid" ]
}
check "systemd-tmpfiles makes its home, 0700, its own" tmpfiles_ok

pam_ok() {
  local module
  for module in $(awk '!/^#/ && NF { print $3 }' "$data/myaltamed-kiosk.pam"); do
    if ! compgen -G "/lib/*/security/$module" >/dev/null && [ ! -e "/lib/security/$module" ]; then
      echo "# $module is not on this machine"
      return 1
    fi
  done
  grep -Eq '^session +required +pam_systemd.so$' "$data/myaltamed-kiosk.pam"
}
check "the PAM file's modules are here, pam_systemd among them" pam_ok

keyfile_ok() {  # keyfile_ok FILE GROUP KEY...: FILE, uncommented, has GROUP and each KEY
  local file=$1 group=$2
  shift 2
  python3 - "$file" "$group" "$@" <<'PY'
import configparser, re, sys
path, group, keys = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(path, encoding='utf-8').read()
# the commented-out keys count: an example shows every key
parser = configparser.ConfigParser(interpolation=None)
parser.optionxform = str
parser.read_string(re.sub(r'^#(\w[\w-]*=)', r'\1', text, flags=re.M))
missing = [k for k in keys if not parser.has_option(group, k)]
if missing:
    print('# missing in [%s]: %s' % (group, ', '.join(missing)))
sys.exit(1 if missing else 0)
PY
}
check "kiosk.conf.example: [kiosk] idle-timeout-minutes, renderer" \
  keyfile_ok "$data/kiosk.conf.example" kiosk idle-timeout-minutes renderer
minutes_ok() {
  local m
  m=$(sed -n 's/^idle-timeout-minutes=//p' "$data/kiosk.conf.example")
  [ -n "$m" ] && [ "$m" -ge 1 ] && [ "$m" -le 15 ]
}
check "its idle limit is 1 to 15 minutes" minutes_ok
check "site.conf.example: [portal] url, ca-file" \
  keyfile_ok "$data/site.conf.example" portal url ca-file

echo "1..$n"
exit $failed
