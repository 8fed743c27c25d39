import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseBuildVariant } from '../../../utils/poetry-lock';
import type { NormalizedDockerBuildOptions } from './normalize-options';

/** The Dockerfile stage to build and why, or undefined when the Dockerfile offers no variants. */
export interface VariantChoice {
  stage: 'cross' | 'emulated';
  reason: string;
}

/** Lists the stage names a Dockerfile declares with FROM ... AS <name>. */
export function readStageNames(dockerfile: string): string[] {
  return [
    ...dockerfile.matchAll(/^\s*FROM\s+.+?\s+AS\s+([A-Za-z0-9_.-]+)\s*$/gim),
  ].map((match) => match[1].toLowerCase());
}

/**
 * Picks the cross or emulated stage of a generated Dockerfile. An explicit
 * target wins; auto reads poetry.lock next to the Dockerfile's context.
 */
export function chooseVariant(
  options: NormalizedDockerBuildOptions,
): VariantChoice | undefined {
  if (options.target || !existsSync(options.file)) {
    return undefined;
  }
  const stages = readStageNames(readFileSync(options.file, 'utf8'));
  if (!stages.includes('cross') || !stages.includes('emulated')) {
    return undefined;
  }
  if (options.variant !== 'auto') {
    return {
      stage: options.variant,
      reason: `the "variant" option is "${options.variant}"`,
    };
  }
  const lockFile = join(options.context, 'poetry.lock');
  if (!existsSync(lockFile)) {
    return {
      stage: 'emulated',
      reason: `"${lockFile}" does not exist, so wheel availability is unknown`,
    };
  }
  const choice = chooseBuildVariant({
    lockText: readFileSync(lockFile, 'utf8'),
    platforms: options.platforms,
    pythonVersion: options.pythonVersion,
  });
  return { stage: choice.variant, reason: choice.reason };
}
