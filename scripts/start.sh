#!/usr/bin/env bash
# Starts the docker-mcp server on stdio (building it first on a fresh clone). Arguments go to docker-mcp.
set -euo pipefail
cd "$(dirname "$0")/.."
# It runs the bundle, the same file `npm install -g` installs: what this starts is what users get.
bundle=packages/server/dist/bundle/docker-mcp.js
# Build when the bundle is missing or older than a source, a manifest or the lockfile; otherwise start at
# once (an MCP client starts this command for every session).
if [ ! -f "$bundle" ] || [ -n "$(find packages/*/src packages/*/package.json packages/server/scripts pnpm-lock.yaml \
  -newer "$bundle" -print -quit 2>/dev/null)" ]; then
  ./scripts/bootstrap.sh
  # A build served from turbo's cache leaves the bundle's time alone: mark it as checked.
  touch "$bundle"
fi
exec node "$bundle" "$@"
