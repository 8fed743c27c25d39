import { spawn, spawnSync } from 'node:child_process';

// The e2e helpers use node:child_process because Jest's module loader cannot
// require the ESM-only execa; the plugin itself runs every process through execa.

// Nx colours its output even when piped; tests match plain text.
const ANSI_ESCAPE = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g');

/** Removes terminal colour codes from command output. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '');
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Print the command and stream its output to the test log. */
  echo?: boolean;
}

/** Runs a command to completion and throws with its output when it fails. */
export function run(file: string, args: string[], options: RunOptions): string {
  if (options.echo !== false) {
    console.log(`$ ${[file, ...args].join(' ')}   (in ${options.cwd})`);
  }
  const result = spawnSync(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = stripAnsi(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (options.echo !== false) {
    process.stdout.write(output);
  }
  if (result.status !== 0) {
    throw new Error(
      `"${[file, ...args].join(' ')}" failed with exit code ${result.status}:\n${output.slice(-4000)}`,
    );
  }
  return stripAnsi(result.stdout);
}

/** Runs a command and returns its exit code and output without throwing. */
export function tryRun(
  file: string,
  args: string[],
  options: RunOptions,
): { status: number; output: string } {
  const result = spawnSync(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return {
    status: result.status ?? 1,
    output: stripAnsi(`${result.stdout ?? ''}${result.stderr ?? ''}`),
  };
}

/** Starts a long-running process in the background and returns its PID. */
export function startBackground(
  file: string,
  args: string[],
  options: RunOptions & { logFile: number },
): number {
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', options.logFile, options.logFile],
  });
  child.unref();
  if (child.pid === undefined) {
    throw new Error(`"${file}" could not be started`);
  }
  return child.pid;
}
