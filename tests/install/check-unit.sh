#!/bin/bash
# check-unit.sh: myaltamed-portald.service passes `systemd-analyze verify` without a word,
# and its `systemd-analyze security` exposure is printed (for the record, not judged)
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
echo "1..2"

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

(cd "$dir" && systemd-analyze security --offline=yes ./myaltamed-portald.service 2>&1) |
  grep -E '✗|Overall exposure' | sed 's/^/# /'

exit $failed
