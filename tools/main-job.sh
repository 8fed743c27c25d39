#!/usr/bin/env bash
# The main job on a fresh machine: set up the engine, publish the plugin to a
# local registry, generate a FastAPI service in a new Nx workspace, build it
# for linux/amd64 and linux/arm64, run both images and call /healthz.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
export NX_DAEMON=false NX_NO_CLOUD=true
npx nx build mab-nx --output-style=stream
npx jest -c e2e/nx-e2e/jest.config.ts --runInBand service.e2e
