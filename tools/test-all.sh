#!/usr/bin/env bash
# Run every test: set up the machine, then lint, unit tests and the
# end-to-end suite against the real engine, Poetry and a local npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
export NX_DAEMON=false NX_NO_CLOUD=true
mkdir -p tmp
rm -f tmp/jest-*.json

status=0
printf '\n=== lint\n'
npx nx run-many -t lint --output-style=stream || status=1
printf '\n=== unit tests\n'
npx jest -c packages/nx/jest.config.ts --json --outputFile=tmp/jest-unit.json || status=1
printf '\n=== build the plugin\n'
npx nx build mab-nx --output-style=stream || status=1
printf '\n=== end-to-end tests (real engine, Poetry, Verdaccio)\n'
npx jest -c e2e/nx-e2e/jest.config.ts --runInBand --json --outputFile=tmp/jest-e2e.json || status=1

node tools/report-tests.mjs tmp/jest-unit.json tmp/jest-e2e.json || status=1
exit $status
