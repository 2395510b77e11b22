#!/bin/bash
# check-unit.sh: myaltamed-portald.service passes `systemd-analyze verify` without a word,
# and its `systemd-analyze security` exposure is printed, and under 2.0
#
# Copyright 2026 The MyAltaMed for Linux authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-unit.sh UNIT PORTALD
# verify checks that ExecStart= names an executable, so the copy it checks starts PORTALD
# (the build's server) instead of the one the unit names, which is not installed yet.

set -u

unit=$1
portald=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

failed=0
echo "1..3"

sed "s|^ExecStart=[^ ]*|ExecStart=$portald|" "$unit" > "$dir/myaltamed-portald.service"
if grep -q "^ExecStart=$portald serve\$" "$dir/myaltamed-portald.service"; then
  echo "ok 1 the unit's ExecStart= runs myaltamed-portald serve"
else
  echo "not ok 1 the unit's ExecStart= runs myaltamed-portald serve"
  failed=1
  grep '^ExecStart' "$unit" | sed 's/^/# /'
fi

output=$(cd "$dir" && systemd-analyze verify ./myaltamed-portald.service 2>&1)
status=$?
if [ $status -eq 0 ] && [ -z "$output" ]; then
  echo "ok 2 systemd-analyze verify"
else
  echo "not ok 2 systemd-analyze verify (status $status)"
  failed=1
  printf '%s\n' "$output" | sed 's/^/# /'
fi

security=$(cd "$dir" && systemd-analyze security --offline=yes ./myaltamed-portald.service 2>&1)
printf '%s\n' "$security" | grep -E '✗|Overall exposure' | sed 's/^/# /'
# "→ Overall exposure level for myaltamed-portald.service: 1.2 OK 🙂"
exposure=$(printf '%s\n' "$security" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
if [ -n "$exposure" ] && awk -v e="$exposure" 'BEGIN { exit !(e < 2.0) }'; then
  echo "ok 3 systemd-analyze security: exposure $exposure, under 2.0"
else
  echo "not ok 3 systemd-analyze security: exposure ${exposure:-unknown}, not under 2.0"
  failed=1
fi

exit $failed
