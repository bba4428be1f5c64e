#!/usr/bin/env bash
# Starts the docker-mcp server on stdio (building it first on a fresh clone). Arguments go to docker-mcp.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
exec node packages/server/dist/bin.js "$@"
