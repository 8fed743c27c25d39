import { findFreePort } from './registry';
import { run, tryRun } from './run';

/** Why the real engine cannot be used, or undefined when it can. */
export function findEngineProblem(): string | undefined {
  const cwd = process.cwd();
  const info = tryRun('docker', ['info', '--format', '{{.ServerVersion}}'], {
    cwd,
  });
  if (info.status !== 0) {
    return `the Docker daemon is not reachable (${info.output.trim().split('\n').pop()})`;
  }
  const buildx = tryRun('docker', ['buildx', 'inspect'], { cwd });
  if (buildx.status !== 0) {
    return `Docker Buildx is missing (${buildx.output.trim().split('\n').pop()})`;
  }
  if (!/Platforms:.*linux\/arm64/.test(buildx.output)) {
    return 'the default buildx builder cannot build linux/arm64: QEMU emulation is not registered';
  }
  const poetry = tryRun('poetry', ['--version'], { cwd });
  if (poetry.status !== 0) {
    return 'Poetry is not installed';
  }
  return undefined;
}

/**
 * Returns `describe`, or `describe.skip` with the reason printed when the
 * engine is missing outside CI. In CI a missing engine fails the suite.
 */
export function describeWithEngine(): jest.Describe {
  const problem = findEngineProblem();
  if (!problem) {
    return describe;
  }
  const fix = 'Start it with "bash tools/engine.sh && bash tools/poetry.sh".';
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(
      `The e2e tests need the real build engine, but ${problem}. ${fix}`,
    );
  }
  console.warn(`Skipping the engine e2e tests because ${problem}. ${fix}`);
  return describe.skip;
}

/** Polls an HTTP URL until it returns 200 or the timeout passes, then returns the status and body. */
export async function waitForHttp(
  url: string,
  timeoutMs: number,
): Promise<{ status: number; body: string; seconds: number }> {
  const started = Date.now();
  let last = 'no answer';
  while (Date.now() - started < timeoutMs) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      const body = await response.text();
      if (response.status === 200) {
        return { status: 200, body, seconds: (Date.now() - started) / 1000 };
      }
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(
    `${url} did not answer 200 within ${timeoutMs / 1000} s; last result: ${last}`,
  );
}

/**
 * Runs an image in the background on a free port of 127.0.0.1, with uvicorn
 * configured through UVICORN_HOST and UVICORN_PORT, and waits until /healthz
 * returns 200.
 */
export async function runAndProbe(options: {
  image: string;
  container: string;
  platform?: string;
  cwd: string;
  timeoutMs?: number;
}): Promise<{ status: number; body: string; seconds: number }> {
  const port = await findFreePort();
  run(
    'docker',
    [
      'run',
      '--detach',
      '--rm',
      '--name',
      options.container,
      '--network',
      'host',
      ...(options.platform ? ['--platform', `linux/${options.platform}`] : []),
      '--env',
      'UVICORN_HOST=127.0.0.1',
      '--env',
      `UVICORN_PORT=${port}`,
      options.image,
    ],
    { cwd: options.cwd },
  );
  // Under QEMU, FastAPI on arm64 took 10-20 s to its first response here.
  return waitForHttp(
    `http://127.0.0.1:${port}/healthz`,
    options.timeoutMs ?? 90_000,
  );
}

/** Returns the "<os>/<architecture>" that `docker image inspect` reports for an image. */
export function inspectPlatform(image: string, cwd: string): string {
  return run(
    'docker',
    ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', image],
    { cwd, echo: false },
  ).trim();
}
