#!/usr/bin/env bash
# Prepare a fresh Debian machine for development and tests: the build engine,
# Poetry and the npm dependencies. Each step is idempotent. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }
timed() { # label command...
  local label=$1 started
  shift
  started=$(date +%s)
  "$@"
  printf '[setup] %s: %s s\n' "$label" "$(($(date +%s) - started))"
}

step "build engine (dockerd, buildx, QEMU, registry, base image)"
timed "engine" bash tools/engine.sh
step "Poetry"
timed "poetry" bash tools/poetry.sh
step "npm dependencies"
if [ -d node_modules/nx ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "node_modules is up to date"
else
  timed "npm ci" npm ci --no-audit --no-fund
fi
