import { join } from 'node:path';
import type { NormalizedDockerBuildOptions } from './normalize-options';
import { platformSuffix } from './platforms';

/** One `docker buildx build` invocation for one platform. */
export interface PlatformBuild {
  platform: string;
  /** Image references this build loads or pushes under. */
  references: string[];
  metadataFile: string;
  args: string[];
}

/**
 * Plans one build per platform. Several loaded platforms get per-platform
 * tags (<tag>-<arch>) because a single-platform load replaces whatever the
 * tag pointed to before. Several pushed platforms are pushed by digest and
 * joined afterwards by `imagetools create`.
 */
export function planBuilds(options: NormalizedDockerBuildOptions, metadataFolder: string): PlatformBuild[] {
  const suffixTags = options.platforms.length > 1;
  return options.platforms.map((platform) => {
    const references = options.tags.map(
      (tag) => `${options.image}:${suffixTags ? `${tag}-${platformSuffix(platform)}` : tag}`,
    );
    const metadataFile = join(metadataFolder, `metadata-${platformSuffix(platform)}.json`);
    return {
      platform,
      references,
      metadataFile,
      args: buildArgs(options, { platform, references, metadataFile, pushByDigest: suffixTags }),
    };
  });
}

interface BuildTarget {
  platform: string;
  references: string[];
  metadataFile: string;
  /** Push without tags, so that the digests can be joined into one index. */
  pushByDigest: boolean;
}

/** Builds the argument array of `docker` for one platform. */
export function buildArgs(options: NormalizedDockerBuildOptions, target: BuildTarget): string[] {
  const args = ['buildx', 'build'];
  if (options.builder) {
    args.push('--builder', options.builder);
  }
  args.push('--platform', target.platform, '--file', options.file, '--progress', options.progress);
  if (options.target) {
    args.push('--target', options.target);
  }
  if (options.network) {
    args.push('--network', options.network);
  }
  for (const [name, value] of Object.entries(options.buildArgs)) {
    args.push('--build-arg', `${name}=${value}`);
  }
  for (const [name, value] of Object.entries(options.labels)) {
    args.push('--label', `${name}=${value}`);
  }
  for (const source of options.cacheFrom) {
    args.push('--cache-from', source);
  }
  for (const destination of options.cacheTo) {
    args.push('--cache-to', destination);
  }
  if (options.noCache) {
    args.push('--no-cache');
  }
  if (options.pull) {
    args.push('--pull');
  }
  if (options.provenance !== undefined) {
    args.push(`--provenance=${options.provenance}`);
  }
  if (options.load || (options.push && !target.pushByDigest)) {
    for (const reference of target.references) {
      args.push('--tag', reference);
    }
  }
  if (options.load) {
    args.push('--load');
  }
  if (options.push) {
    args.push(
      ...(target.pushByDigest
        ? ['--output', `type=image,name=${options.image},push-by-digest=true,name-canonical=true,push=true`]
        : ['--push']),
    );
  }
  args.push('--metadata-file', target.metadataFile, options.context);
  return args;
}

/** Builds the `docker` arguments that join pushed per-platform digests under every tag. */
export function imagetoolsCreateArgs(options: NormalizedDockerBuildOptions, digests: string[]): string[] {
  const args = ['buildx', 'imagetools', 'create'];
  if (options.builder) {
    args.push('--builder', options.builder);
  }
  for (const tag of options.tags) {
    args.push('--tag', `${options.image}:${tag}`);
  }
  return [...args, ...digests.map((digest) => `${options.image}@${digest}`)];
}
