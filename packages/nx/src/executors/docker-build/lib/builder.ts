import { UserError } from '../../../utils/errors';
import { runCommand } from '../../../utils/exec';
import type { NormalizedDockerBuildOptions } from './normalize-options';
import { lastLine } from './preflight';

/** Builds the `docker` arguments that create and start a named builder. */
export function createBuilderArgs(
  options: Pick<
    NormalizedDockerBuildOptions,
    'builder' | 'builderDriver' | 'builderDriverOpts' | 'platforms'
  >,
): string[] {
  const args = [
    'buildx',
    'create',
    '--name',
    options.builder ?? '',
    '--driver',
    options.builderDriver,
  ];
  for (const option of options.builderDriverOpts) {
    args.push('--driver-opt', option);
  }
  return [...args, '--platform', options.platforms.join(','), '--bootstrap'];
}

/**
 * Creates the named builder unless it exists, so later runs reuse it. A
 * builder whose creation or start fails is removed again, so that no broken
 * builder is left behind.
 */
export async function ensureBuilder(
  options: NormalizedDockerBuildOptions,
): Promise<'created' | 'reused' | 'unmanaged'> {
  if (!options.builder || !options.createBuilder) {
    return 'unmanaged';
  }
  const existing = await runCommand('docker', [
    'buildx',
    'inspect',
    options.builder,
  ]);
  if (existing.exitCode === 0) {
    return 'reused';
  }
  const args = createBuilderArgs(options);
  const created = await runCommand('docker', args, { stream: true });
  if (created.exitCode === 0) {
    return 'created';
  }
  const removed = await runCommand('docker', ['buildx', 'rm', options.builder]);
  const cleanup =
    removed.exitCode === 0 || /no builder .* found/i.test(removed.stderr)
      ? 'nothing was left behind'
      : `removing it failed too (${lastLine(removed.stderr)}), so run "docker buildx rm ${options.builder}"`;
  throw new UserError(
    `Creating the buildx builder "${options.builder}" with the "${options.builderDriver}" driver failed (${lastLine(created.stderr) || `exit code ${created.exitCode}`}); ${cleanup}. Check the driver options, or pass --builder with an existing builder and --createBuilder=false.`,
  );
}
