// Print one closing line with the totals of Jest --json result files:
// "jest: N passed, N failed". Exits non-zero when a file is missing, a test
// failed or no test ran.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let missing = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.error(`${file} is missing: that Jest run did not finish`);
    missing += 1;
    continue;
  }
  const results = JSON.parse(readFileSync(file, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests + results.numRuntimeErrorTestSuites;
}
console.log(`jest: ${passed} passed, ${failed} failed`);
process.exit(missing > 0 || failed > 0 || passed === 0 ? 1 : 0);
