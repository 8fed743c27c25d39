// Compare the build time and image size of the two final stages of a
// generated service's Dockerfile on the running build engine. `cross` installs
// target-platform wheels with the build platform's pip, so nothing is
// emulated, and `emulated` runs pip on the target platform under QEMU.
//
//   node tools/bench-variants.mjs [--runs N]
//
// It generates a FastAPI service with the built plugin in a temporary folder
// and runs `poetry lock`. Then it builds each stage N times (default 2) with
// --no-cache for linux/arm64 and, as a reference, linux/amd64. The order of the
// two stages swaps on every run. It prints a table of build times and
// image sizes, and the machine it ran on. It removes the images it tagged and
// the folder at the end, and never starts or stops the engine.
import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const GENERATOR = join(
  ROOT,
  'dist/packages/nx/src/generators/fastapi-service/fastapi-service.js',
);
const POETRY = '/usr/local/bin/poetry';
const SERVICE = 'bench-api';
const PLATFORMS = ['linux/arm64', 'linux/amd64'];
const VARIANTS = ['cross', 'emulated'];
const DEFAULT_RUNS = 2;
const LOG_TAIL_LINES = 30;
const USAGE = `usage: node tools/bench-variants.mjs [--runs N]
  --runs N   builds of each stage per platform, a whole number from 1 (default ${DEFAULT_RUNS})`;

/** A failure with a message for the user and no stack trace. */
class BenchError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

// The child process that is running now, so that Ctrl-C can stop it and the
// finally block still removes the images and the folder.
let currentChild;
let interruptSignal;

function stopOnSignal(signal) {
  interruptSignal = signal;
  currentChild?.kill('SIGINT');
}

function parseOptions(args) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        runs: { type: 'string', default: String(DEFAULT_RUNS) },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new BenchError(`${error.message}\n${USAGE}`, 2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const runs = Number(values.runs);
  if (!/^\d+$/.test(values.runs) || runs < 1) {
    throw new BenchError(
      `Invalid --runs "${values.runs}": use a whole number of 1 or more.\n${USAGE}`,
      2,
    );
  }
  return { runs };
}

/** Runs a short command and returns whether it succeeded with its output. */
function tryRun(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) {
    return { ok: false, output: result.error.message };
  }
  return {
    ok: result.status === 0,
    output: `${result.stdout}${result.stderr}`.trim(),
  };
}

/** Runs a short command and returns its trimmed output, or throws with it. */
function run(command, args) {
  const { ok, output } = tryRun(command, args);
  if (!ok) {
    throw new BenchError(`${command} ${args.join(' ')} failed: ${output}`);
  }
  return output;
}

function lastLine(text) {
  return text.split('\n').pop();
}

function checkPrerequisites() {
  if (!existsSync(GENERATOR)) {
    throw new BenchError(
      `The built plugin is missing: ${GENERATOR} does not exist. ` +
        `Build it with: cd ${ROOT} && NX_DAEMON=false NX_NO_CLOUD=true npx nx build mab-nx`,
    );
  }
  const startEngine = `Start it with: cd ${ROOT} && bash tools/engine.sh`;
  const info = tryRun('docker', ['info', '--format', '{{.ServerVersion}}']);
  if (!info.ok) {
    throw new BenchError(
      `The Docker engine is not reachable (${lastLine(info.output)}). ${startEngine}`,
    );
  }
  const builder = tryRun('docker', ['buildx', 'inspect']);
  if (!builder.ok) {
    throw new BenchError(
      `Docker Buildx is missing (${lastLine(builder.output)}). ${startEngine}`,
    );
  }
  for (const platform of PLATFORMS) {
    if (!new RegExp(`Platforms:.*${platform}\\b`).test(builder.output)) {
      throw new BenchError(
        `The default buildx builder does not list ${platform}, so QEMU emulation is not registered. ${startEngine}`,
      );
    }
  }
  if (!existsSync(POETRY)) {
    throw new BenchError(
      `Poetry is missing: ${POETRY} does not exist. Install it with: cd ${ROOT} && bash tools/poetry.sh`,
    );
  }
}

/** Generates the service into an empty workspace and returns its folder. */
async function generateService(workspace) {
  writeFileSync(join(workspace, 'nx.json'), '{}\n');
  writeFileSync(
    join(workspace, 'package.json'),
    `${JSON.stringify({ name: 'bench-variants', private: true }, null, 2)}\n`,
  );
  const require = createRequire(join(ROOT, 'package.json'));
  const { FsTree, flushChanges } = require('nx/src/generators/tree');
  const { fastapiServiceGenerator } = require(GENERATOR);
  const tree = new FsTree(workspace, false);
  // With skipInstall the returned task does nothing, so it is not run.
  await fastapiServiceGenerator(tree, {
    name: SERVICE,
    skipInstall: true,
    skipFormat: true,
  });
  const changes = tree.listChanges();
  flushChanges(workspace, changes);
  const dockerfile = changes.find(
    (change) => change.type === 'CREATE' && change.path.endsWith('/Dockerfile'),
  );
  if (!dockerfile) {
    throw new BenchError(
      `The fastapi-service generator in ${GENERATOR} wrote no Dockerfile. Rebuild the plugin with: cd ${ROOT} && NX_DAEMON=false NX_NO_CLOUD=true npx nx build mab-nx`,
    );
  }
  return join(workspace, dirname(dockerfile.path));
}

/**
 * Runs a command with its output written to logFile and resolves with its exit
 * code and signal. After a SIGINT or SIGTERM it starts nothing and resolves at once.
 */
function runLogged(command, args, { cwd, logFile }) {
  return new Promise((resolve, reject) => {
    if (interruptSignal) {
      resolve({ code: null, signal: null });
      return;
    }
    const log = createWriteStream(logFile);
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    currentChild = child;
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('error', (error) => {
      currentChild = undefined;
      reject(new BenchError(`${command} failed to start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      currentChild = undefined;
      log.end(() => resolve({ code, signal }));
    });
  });
}

function checkExit({ code, signal }, description, logFile) {
  if (interruptSignal) {
    throw new BenchError(
      `Interrupted by ${interruptSignal} during ${description}.`,
      130,
    );
  }
  if (code !== 0) {
    const reason = code === null ? `signal ${signal}` : `exit code ${code}`;
    const tail = readFileSync(logFile, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(-LOG_TAIL_LINES)
      .join('\n');
    throw new BenchError(
      `${description} failed with ${reason}. Last lines of its output:\n${tail}`,
    );
  }
}

async function lockService(serviceRoot, logDir) {
  const logFile = join(logDir, 'poetry-lock.log');
  const started = process.hrtime.bigint();
  const exit = await runLogged(POETRY, ['lock'], { cwd: serviceRoot, logFile });
  checkExit(exit, `poetry lock in ${serviceRoot}`, logFile);
  return secondsSince(started);
}

function secondsSince(started) {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function architectureOf(platform) {
  return platform.split('/')[1];
}

function imageTag(platform, variant) {
  return `${SERVICE}:${variant}-${architectureOf(platform)}`;
}

/** Builds one stage for one platform and returns the seconds it took. */
async function timeBuild({
  serviceRoot,
  logDir,
  platform,
  variant,
  repetition,
}) {
  const tag = imageTag(platform, variant);
  const logFile = join(
    logDir,
    `build-${architectureOf(platform)}-${variant}-${repetition}.log`,
  );
  const args = [
    'buildx',
    'build',
    '--network',
    'host',
    '--no-cache',
    '--progress',
    'plain',
    '--platform',
    platform,
    '--target',
    variant,
    '--tag',
    tag,
    '--load',
    serviceRoot,
  ];
  const started = process.hrtime.bigint();
  const exit = await runLogged('docker', args, { cwd: serviceRoot, logFile });
  const seconds = secondsSince(started);
  checkExit(exit, `docker ${args.join(' ')}`, logFile);
  return seconds;
}

/** Returns the stages in build order: cross first on odd runs, emulated first on even runs. */
function variantOrder(repetition) {
  return repetition % 2 === 1 ? VARIANTS : [...VARIANTS].reverse();
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

function imageId(tag) {
  return run('docker', ['image', 'inspect', '--format', '{{.Id}}', tag]);
}

function imageSizeBytes(tag) {
  return Number(
    run('docker', ['image', 'inspect', '--format', '{{.Size}}', tag]),
  );
}

function megabytes(bytes) {
  return bytes / 1e6;
}

/** Formats rows as columns: the first two left-aligned, the rest right-aligned. */
function formatTable(header, rows) {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const formatRow = (row) =>
    row
      .map((cell, column) =>
        column < 2
          ? cell.padEnd(widths[column])
          : cell.padStart(widths[column]),
      )
      .join('  ')
      .trimEnd();
  return [
    formatRow(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(formatRow),
  ].join('\n');
}

function printResults({ runs, seconds, sizes, engineArchitecture }) {
  const header = [
    'platform',
    'variant',
    ...Array.from({ length: runs }, (_, index) => `run ${index + 1} s`),
    'median s',
    'size MB',
  ];
  const rows = [];
  for (const platform of PLATFORMS) {
    for (const variant of VARIANTS) {
      const times = seconds[platform][variant];
      rows.push([
        platform,
        variant,
        ...times.map((time) => time.toFixed(1)),
        median(times).toFixed(1),
        megabytes(sizes[platform][variant]).toFixed(1),
      ]);
    }
  }
  console.log(`\n${formatTable(header, rows)}\n`);
  for (const platform of PLATFORMS) {
    const times = seconds[platform];
    const ratio = median(times.emulated) / median(times.cross);
    const sizeDifference = sizes[platform].emulated - sizes[platform].cross;
    const sign = sizeDifference < 0 ? '-' : '+';
    const native =
      architectureOf(platform) === engineArchitecture
        ? " (the engine's own platform, so neither stage runs under QEMU)"
        : '';
    console.log(
      `${platform}: emulated/cross median build time ${ratio.toFixed(2)}x; ` +
        `emulated - cross image size ${sign}${megabytes(Math.abs(sizeDifference)).toFixed(2)} MB ` +
        `(${sign}${Math.abs(sizeDifference)} bytes)${native}`,
    );
  }
}

/** Reads the QEMU version behind the binfmt_misc handler for aarch64, if one is registered. */
function qemuVersion() {
  const handler = '/proc/sys/fs/binfmt_misc/qemu-aarch64';
  if (!existsSync(handler)) {
    return 'no binfmt_misc handler qemu-aarch64';
  }
  const interpreter = /^interpreter (.+)$/m.exec(
    readFileSync(handler, 'utf8'),
  )?.[1];
  if (!interpreter) {
    return `${handler} names no interpreter`;
  }
  // Debian's QEMU reads an argv[0] ending in -binfmt-P as a binfmt call, so
  // --version goes to the file that the link points at.
  const binary = realpathSync(interpreter);
  const { ok, output } = tryRun(binary, ['--version']);
  return ok ? `${output.split('\n')[0]} (${binary})` : `${binary}: ${output}`;
}

function usesContainerdStore() {
  return run('docker', ['info', '--format', '{{json .DriverStatus}}']).includes(
    'io.containerd.snapshotter',
  );
}

function printMachine({ loadBefore, containerdStore }) {
  const format = (load) => load.map((value) => value.toFixed(2)).join(' ');
  console.log('\nMachine:');
  console.log(`  nproc: ${run('nproc', [])}`);
  console.log(`  CPU: ${cpus()[0]?.model ?? 'unknown'}`);
  console.log(`  memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
  console.log(`  kernel: ${release()}`);
  console.log(
    `  docker: ${run('docker', ['version', '--format', 'client {{.Client.Version}}, server {{.Server.Version}}'])}`,
  );
  console.log(`  buildx: ${run('docker', ['buildx', 'version'])}`);
  console.log(
    `  image store: ${containerdStore ? 'containerd' : 'classic graph driver'}`,
  );
  console.log(`  QEMU: ${qemuVersion()}`);
  console.log(`  node: ${process.version}`);
  console.log(
    `  load average (1, 5, 15 min): ${format(loadBefore)} before, ${format(loadavg())} after`,
  );
}

function printNotes({ runs, containerdStore }) {
  console.log('\nNotes:');
  console.log(
    "  --no-cache reruns every step, but it does not empty BuildKit cache mounts: pip's download\n" +
      "  cache (/root/.cache/pip) and Poetry's cache (/root/.cache/pypoetry) survive between builds,\n" +
      '  also builds of other projects on this engine. Only the first build that needs a wheel\n' +
      '  downloads it, and later builds read it from the cache mount.',
  );
  if (runs % 2 === 1) {
    console.log(
      `  With an odd --runs (${runs}) cross built first once more often than emulated, so a wheel\n` +
        '  missing from the cache mount was more likely downloaded during a cross build. Use an\n' +
        '  even --runs to balance the order.',
    );
  }
  console.log(
    containerdStore
      ? '  Size is `docker image inspect --format {{.Size}}`. With the containerd image store that is\n' +
          '  the packed (compressed) size of the manifest, config and layers, not the unpacked size\n' +
          '  that `docker images` lists. 1 MB = 10^6 bytes.'
      : '  Size is `docker image inspect --format {{.Size}}`, the unpacked size of all layers.\n' +
          '  1 MB = 10^6 bytes.',
  );
  console.log(
    '  Other builds and tests may share this engine and these CPUs while it runs, so a single\n' +
      '  number can be off by a wide margin; compare the load averages above and repeat runs.',
  );
}

/** Removes the tags this run created and the images they pointed at, and warns about each failure. */
function removeImages(tags, imageIds) {
  for (const reference of [...tags, ...imageIds]) {
    const { ok, output } = tryRun('docker', ['image', 'rm', reference]);
    if (!ok && !/No such image/i.test(output)) {
      console.warn(`Removing image ${reference} failed: ${lastLine(output)}`);
    }
  }
}

async function measure({ runs, serviceRoot, logDir, tags, imageIds }) {
  const seconds = {};
  for (const platform of PLATFORMS) {
    seconds[platform] = { cross: [], emulated: [] };
  }
  for (let repetition = 1; repetition <= runs; repetition += 1) {
    for (const platform of PLATFORMS) {
      for (const variant of variantOrder(repetition)) {
        const tag = imageTag(platform, variant);
        tags.add(tag);
        const time = await timeBuild({
          serviceRoot,
          logDir,
          platform,
          variant,
          repetition,
        });
        imageIds.add(imageId(tag));
        seconds[platform][variant].push(time);
        console.log(
          `${platform} ${variant}, run ${repetition} of ${runs}: ${time.toFixed(1)} s`,
        );
      }
    }
  }
  const sizes = {};
  for (const platform of PLATFORMS) {
    sizes[platform] = {};
    for (const variant of VARIANTS) {
      sizes[platform][variant] = imageSizeBytes(imageTag(platform, variant));
    }
  }
  return { seconds, sizes };
}

async function main() {
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const { runs } = parseOptions(process.argv.slice(2));
  checkPrerequisites();

  const loadBefore = loadavg();
  const containerdStore = usesContainerdStore();
  const engineArchitecture = run('docker', [
    'version',
    '--format',
    '{{.Server.Arch}}',
  ]);

  const workspace = mkdtempSync(join(tmpdir(), 'bench-variants-'));
  const logDir = join(workspace, 'logs');
  mkdirSync(logDir);
  const tags = new Set();
  const imageIds = new Set();

  try {
    const serviceRoot = await generateService(workspace);
    const lockSeconds = await lockService(serviceRoot, logDir);
    console.log(
      `Generated ${SERVICE} in ${serviceRoot}; poetry lock took ${lockSeconds.toFixed(1)} s.`,
    );
    console.log(
      `Each build: docker buildx build --network host --no-cache --progress plain --platform <platform> ` +
        `--target <variant> --tag ${SERVICE}:<variant>-<arch> --load ${serviceRoot}`,
    );
    console.log(
      `${runs} run(s); cross builds first on odd runs, emulated first on even runs.\n`,
    );

    const results = await measure({
      runs,
      serviceRoot,
      logDir,
      tags,
      imageIds,
    });

    printResults({ runs, ...results, engineArchitecture });
    printMachine({ loadBefore, containerdStore });
    printNotes({ runs, containerdStore });
  } finally {
    removeImages(tags, imageIds);
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof BenchError ? error.message : error.stack);
  process.exitCode = error.exitCode ?? 1;
});
