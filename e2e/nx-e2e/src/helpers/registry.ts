import {
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, startBackground } from './run';

export const E2E_VERSION = '0.0.0-e2e';
export const WORKSPACE_ROOT = join(__dirname, '../../../..');

/** Returns a TCP port that is free on 127.0.0.1 right now. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Starts Verdaccio on 127.0.0.1 and waits until it responds. */
export async function startRegistry(): Promise<{ url: string; pid: number }> {
  // A version published by an earlier run would make this publish fail.
  rmSync(join(WORKSPACE_ROOT, 'tmp/local-registry/storage/@mab'), {
    recursive: true,
    force: true,
  });
  mkdirSync(join(WORKSPACE_ROOT, 'tmp'), { recursive: true });

  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = openSync(join(WORKSPACE_ROOT, 'tmp', 'verdaccio.log'), 'w');
  const pid = startBackground(
    process.execPath,
    [
      join(WORKSPACE_ROOT, 'node_modules/verdaccio/bin/verdaccio'),
      '--config',
      '.verdaccio/config.yml',
      '--listen',
      `127.0.0.1:${port}`,
    ],
    { cwd: WORKSPACE_ROOT, logFile },
  );
  closeSync(logFile);

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`${url}/-/ping`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) {
      return { url, pid };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  process.kill(pid);
  throw new Error(
    `Verdaccio did not respond on ${url} within 60 s. See tmp/verdaccio.log for its output.`,
  );
}

/** Environment that points npm at the local registry without touching the user's npm config. */
export function registryEnv(
  url: string,
  userConfig: string,
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    npm_config_registry: url,
    npm_config_userconfig: userConfig,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_SKIP_NX_CACHE: undefined,
  };
}

/** Writes an npm user config with a token for the local registry. */
export function writeNpmUserConfig(url: string): string {
  const file = join(WORKSPACE_ROOT, 'tmp', 'e2e-npmrc');
  const host = url.replace(/^http:/, '');
  writeFileSync(
    file,
    `registry=${url}/\n${host}/:_authToken=e2e-local-token\n`,
  );
  return file;
}

/** Publishes the built plugin as 0.0.0-e2e under the dist-tag e2e. */
export function publishPlugin(url: string, userConfig: string): void {
  const staging = mkdtempSync(join(tmpdir(), 'mab-nx-publish-'));
  try {
    cpSync(join(WORKSPACE_ROOT, 'dist/packages/nx'), staging, {
      recursive: true,
    });
    const manifestPath = join(staging, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    writeFileSync(
      manifestPath,
      JSON.stringify({ ...manifest, version: E2E_VERSION }, null, 2),
    );
    run(
      'npm',
      ['publish', '--registry', url, '--tag', 'e2e', '--access', 'public'],
      {
        cwd: staging,
        env: registryEnv(url, userConfig),
      },
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
