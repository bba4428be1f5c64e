#!/usr/bin/env bash
# The whole test suite on a real Docker Engine: installs and starts one when none answers
# (a missing daemon fails the run, it never skips tests), then lints, type-checks and tests every package.
# Ends with one line "N passed, N failed" summed over every package's vitest run.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-docker.sh
./scripts/bootstrap.sh
pnpm run lint
pnpm run typecheck

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
pnpm run test 2>&1 | tee "$log" || status=$?
# vitest prints "Tests  12 passed | 1 failed (13)" per package; color codes are stripped first.
sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  /Tests +[0-9]/ {
    for (i = 1; i <= NF; i++) {
      if ($(i + 1) ~ /^passed/) passed += $i
      if ($(i + 1) ~ /^failed/) failed += $i
    }
  }
  END { printf "%d passed, %d failed\n", passed, failed }'
exit "$status"
