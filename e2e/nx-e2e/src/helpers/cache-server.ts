import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './registry';
import { startBackground } from './run';

export interface CacheServer {
  url: string;
  token: string;
  /** Environment that points Nx at this server. */
  env: NodeJS.ProcessEnv;
  /** The request lines the server logged so far, such as "GET /v1/cache/123 200". */
  requests(): string[];
  stop(): void;
}

/** Starts tools/nx-cache-server.mjs on a free port of 127.0.0.1 in its own process. */
export async function startCacheServer(): Promise<CacheServer> {
  const folder = mkdtempSync(join(tmpdir(), 'mab-nx-remote-cache-'));
  const log = join(folder, 'server.log');
  const token = `e2e-${Math.random().toString(36).slice(2)}`;
  const logFile = openSync(log, 'w');
  const pid = startBackground(
    process.execPath,
    [
      join(WORKSPACE_ROOT, 'tools/nx-cache-server.mjs'),
      '--dir',
      join(folder, 'entries'),
      '--token',
      token,
    ],
    { cwd: folder, logFile },
  );
  closeSync(logFile);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(
      readFileSync(log, 'utf8'),
    )?.[1];
    if (port) {
      const url = `http://127.0.0.1:${port}`;
      return {
        url,
        token,
        env: {
          NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url,
          NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token,
        },
        requests: () =>
          readFileSync(log, 'utf8')
            .split('\n')
            .filter((line) => /^(GET|PUT) /.test(line)),
        stop: () => process.kill(pid),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.kill(pid);
  throw new Error(`The Nx cache server did not start within 10 s; see ${log}`);
}
