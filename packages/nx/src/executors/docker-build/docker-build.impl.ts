import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../utils/errors';
import { formatCommand, runCommand } from '../../utils/exec';
import { readProjectLocation } from '../../utils/project-location';
import {
  imagetoolsCreateArgs,
  multiPlatformLoadArgs,
  planBuilds,
  redactArgs,
} from './lib/build-args';
import { collectOciLabels } from './lib/labels';
import { graphBuildContexts } from './lib/graph-contexts';
import { chooseVariant } from './lib/variant';
import type { PlatformBuild } from './lib/build-args';
import { normalizeOptions } from './lib/normalize-options';
import type { NormalizedDockerBuildOptions } from './lib/normalize-options';
import {
  formatSummary,
  readBuildxMetadata,
  writeCombinedMetadata,
  publishResults,
} from './lib/outputs';
import type { PlatformResult } from './lib/outputs';
import { checkFiles, lastLine, runPreflight } from './lib/preflight';
import type { DockerBuildExecutorSchema } from './schema';

/** Builds a project's image with one `docker buildx build` per platform. */
export async function dockerBuildExecutor(
  schema: DockerBuildExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const verbose =
    context.isVerbose || process.env.NX_VERBOSE_LOGGING === 'true';
  const metadataFolder = mkdtempSync(join(tmpdir(), 'mab-docker-build-'));
  let staging: string | undefined;
  const abort = new AbortController();
  // The task runner may end this process soon after the signal, before
  // `finally` runs, so the partial output goes here too.
  const stop = () => {
    abort.abort();
    if (staging) {
      rmSync(staging, { recursive: true, force: true });
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const options = await completeOptions(
      normalizeOptions(schema, readProjectLocation(context, 'docker-build')),
      context,
    );
    // Archives and images.json are written beside outputPath and moved into it
    // only when every platform succeeded, so a failed build never leaves a
    // half-written output for Nx to cache.
    staging = `${options.outputPath}.partial-${process.pid}`;
    const builds = planBuilds(
      options,
      metadataFolder,
      options.dryRun ? options.outputPath : staging,
    );
    if (options.dryRun) {
      checkFiles(options);
      builds.forEach((build) =>
        logger.info(
          `[${build.platform}] ${formatCommand('docker', redactArgs(build.args))}`,
        ),
      );
      return { success: true };
    }
    const facts = await runPreflight(options);
    if (!options.quiet) {
      logger.info(
        `Docker ${facts.dockerVersion}, Buildx ${facts.buildxVersion}, builder "${facts.builder}" (${facts.driver})`,
      );
    }
    mkdirSync(staging, { recursive: true });
    const results = await runBuilds(options, builds, {
      verbose,
      signal: abort.signal,
    });
    if (options.push && builds.length > 1) {
      await joinPushedPlatforms(options, results, verbose);
    }
    if (options.load && builds.length > 1 && facts.containerdImageStore) {
      await loadUnderCommonTags(options, results, {
        verbose,
        signal: abort.signal,
      });
    }
    publishResults(staging, options.outputPath, options.image, results);
    if (options.metadataFile) {
      writeCombinedMetadata(options.metadataFile, builds);
    }
    results.forEach((result) => logger.info(formatSummary(result)));
    return { success: true };
  } catch (error) {
    if (error instanceof UserError) {
      logger.error(error.message);
      return { success: false };
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    rmSync(metadataFolder, { recursive: true, force: true });
    if (staging) {
      rmSync(staging, { recursive: true, force: true });
    }
  }
}

/** Adds OCI labels from git and pyproject.toml, build contexts from the graph, and the Dockerfile variant. */
async function completeOptions(
  options: NormalizedDockerBuildOptions,
  context: ExecutorContext,
): Promise<NormalizedDockerBuildOptions> {
  const labels = options.ociLabels
    ? {
        ...(await collectOciLabels(options.workspaceRoot, options.context)),
        ...options.labels,
      }
    : options.labels;
  const buildContexts = {
    ...graphBuildContexts(
      context.projectGraph,
      options.projectName,
      options.workspaceRoot,
    ),
    ...options.buildContexts,
  };
  const variant = chooseVariant(options);
  if (variant) {
    logger.info(`Dockerfile variant "${variant.stage}": ${variant.reason}`);
  }
  return {
    ...options,
    labels,
    buildContexts,
    target: variant?.stage ?? options.target,
  };
}

async function runBuilds(
  options: NormalizedDockerBuildOptions,
  builds: PlatformBuild[],
  run: { verbose: boolean; signal: AbortSignal },
): Promise<PlatformResult[]> {
  const results: PlatformResult[] = [];
  for (const build of builds) {
    logger.info(
      `Building "${build.references[0] ?? options.image}" for ${build.platform}`,
    );
    const started = process.hrtime.bigint();
    const result = await runCommand('docker', build.args, {
      cwd: options.workspaceRoot,
      stream: true,
      verbose: run.verbose,
      display: redactArgs(build.args),
      cancelSignal: run.signal,
    });
    if (result.exitCode !== 0 || result.interrupted) {
      throw new UserError(describeFailure(options, build, results, result));
    }
    results.push({
      platform: build.platform,
      references: build.references,
      ...readBuildxMetadata(build.metadataFile),
      archive: build.archive,
      durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
    });
  }
  return results;
}

function describeFailure(
  options: NormalizedDockerBuildOptions,
  build: PlatformBuild,
  done: PlatformResult[],
  result: { exitCode: number; stderr: string; interrupted: boolean },
): string {
  const cause = result.interrupted
    ? 'was interrupted'
    : `failed with exit code ${result.exitCode}`;
  const succeeded =
    done.length > 0 ? done.map((entry) => entry.platform).join(', ') : 'none';
  return [
    `The build of "${options.image}" for "${build.platform}" ${cause}: ${lastLine(result.stderr) || 'buildx printed no error'}`,
    `Command: ${formatCommand('docker', redactArgs(build.args))}`,
    `Platforms already built: ${succeeded}.`,
  ].join('\n');
}

async function joinPushedPlatforms(
  options: NormalizedDockerBuildOptions,
  results: PlatformResult[],
  verbose: boolean,
) {
  const digests = results
    .map((result) => result.digest)
    .filter((digest): digest is string => Boolean(digest));
  if (digests.length !== results.length) {
    throw new UserError(
      `Buildx reported no digest for a pushed platform of "${options.image}", so the platforms cannot be joined into one image. Check that the registry accepted the push and run the build again.`,
    );
  }
  const args = imagetoolsCreateArgs(options, digests);
  const joined = await runCommand('docker', args, {
    stream: true,
    verbose,
    display: redactArgs(args),
  });
  if (joined.exitCode !== 0) {
    throw new UserError(
      `Joining the platforms of "${options.image}" into one image failed: ${lastLine(joined.stderr)}. Command: ${formatCommand('docker', redactArgs(args))}`,
    );
  }
  for (const result of results) {
    result.references = options.tags.map((tag) => `${options.image}:${tag}`);
  }
}

/**
 * Loads all platforms under the plain tags as one multi-platform image, which
 * only the containerd image store can hold. Every layer is already in the
 * build cache, so this build only assembles and exports.
 */
async function loadUnderCommonTags(
  options: NormalizedDockerBuildOptions,
  results: PlatformResult[],
  run: { verbose: boolean; signal: AbortSignal },
) {
  const args = multiPlatformLoadArgs(options);
  logger.info(
    `Loading "${options.tags.map((tag) => `${options.image}:${tag}`).join('", "')}" with ${options.platforms.join(', ')}`,
  );
  const loaded = await runCommand('docker', args, {
    cwd: options.workspaceRoot,
    stream: true,
    verbose: run.verbose,
    cancelSignal: run.signal,
    display: redactArgs(args),
  });
  if (loaded.exitCode !== 0 || loaded.interrupted) {
    throw new UserError(
      `Loading the platforms of "${options.image}" under one tag failed: ${lastLine(loaded.stderr)}. The per-platform tags ${results.flatMap((result) => result.references).join(', ')} were loaded. Command: ${formatCommand('docker', redactArgs(args))}`,
    );
  }
}

export default dockerBuildExecutor;
