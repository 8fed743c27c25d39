import { logger } from '@nx/devkit';
import type * as Execa from 'execa';

/** A finished child process. A non-zero exit is a result, not an exception. */
export interface CommandResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when the process was stopped by a signal or the cancel signal. */
  interrupted: boolean;
  /** True when the program could not be started because it was not found. */
  notFound: boolean;
}

export interface RunCommandOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Stream the child's output to this process while capturing it. */
  stream?: boolean;
  /** Print the escaped command before running it. */
  verbose?: boolean;
  /** Aborting it stops the child, as Ctrl-C would. */
  cancelSignal?: AbortSignal;
  /** Arguments to print and report in place of the real ones, with secrets masked. */
  display?: readonly string[];
  /** Text written to the child's standard input. */
  input?: string;
}

/**
 * Runs one program with an argument array and no shell. This is the only
 * module that spawns processes.
 */
export async function runCommand(
  file: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  // execa is ESM-only. Loading it on first use keeps this module loadable from
  // CommonJS test runners that mock it, while Node 20.19+ require()s it.
  const { execa } = require('execa') as typeof Execa;
  const output = options.stream
    ? (['pipe', 'inherit'] as const)
    : ('pipe' as const);
  const displayedCommand = formatCommand(file, options.display ?? args);
  if (options.verbose) {
    logger.info(`$ ${displayedCommand}`);
  }
  const result = await execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    reject: false,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    input: options.input,
    stdout: output,
    stderr: output,
    cancelSignal: options.cancelSignal,
    forceKillAfterDelay: 5000,
    stripFinalNewline: true,
  });
  return {
    command: displayedCommand,
    exitCode: typeof result.exitCode === 'number' ? result.exitCode : 1,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    interrupted: Boolean(result.isCanceled || result.isTerminated),
    notFound: (result as { code?: string }).code === 'ENOENT',
  };
}

/** Quotes each argument that a POSIX shell would split, for display only. */
export function formatCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map(quoteArgument).join(' ');
}

function quoteArgument(argument: string): string {
  if (argument !== '' && /^[\w@%+=:,./-]+$/.test(argument)) {
    return argument;
  }
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}
