#!/usr/bin/env bash
# Installs what the workspace needs to build: pnpm (the version pinned in package.json), the locked
# dependencies, and the compiled packages. All output goes to stderr: scripts/start.sh speaks MCP on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 1>&2

pinned=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if [ "$(pnpm --version 2>/dev/null || true)" != "$pinned" ]; then
  echo "bootstrap: installing pnpm $pinned" >&2
  npm install --global --silent "pnpm@$pinned"
fi
if [ ! -d node_modules/.pnpm ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  pnpm install --frozen-lockfile
fi
pnpm run build
