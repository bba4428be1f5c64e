#!/usr/bin/env bash
# The whole test suite on a real Docker Engine: installs and starts one when none answers
# (a missing daemon fails the run, it never skips tests), then lints, type-checks and tests every package.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-docker.sh
./scripts/bootstrap.sh
pnpm run lint
pnpm run typecheck
pnpm run test
