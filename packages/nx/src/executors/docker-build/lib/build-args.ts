import { join } from 'node:path';
import type { NormalizedDockerBuildOptions } from './normalize-options';
import { platformSuffix } from './platforms';

/** One `docker buildx build` invocation for one platform. */
export interface PlatformBuild {
  platform: string;
  /** Image references this build loads or pushes under. */
  references: string[];
  metadataFile: string;
  /** OCI archive file name inside the output folder, when archives are on. */
  archive?: string;
  args: string[];
}

/**
 * Plans one build per platform. With several platforms each build gets
 * per-platform tags (<tag>-<arch>), because a single-platform load or push
 * replaces whatever the tag pointed to before. Pushed platforms are joined
 * afterwards under the plain tags by `imagetools create`. Pushing by digest
 * would leave no per-platform tags, but buildx's docker driver rejects it
 * ("push-by-digest is currently not implemented for docker driver").
 */
export function planBuilds(
  options: NormalizedDockerBuildOptions,
  metadataFolder: string,
  archiveFolder: string = options.outputPath,
): PlatformBuild[] {
  const suffixTags = options.platforms.length > 1;
  return options.platforms.map((platform) => {
    const references = options.tags.map(
      (tag) =>
        `${options.image}:${suffixTags ? `${tag}-${platformSuffix(platform)}` : tag}`,
    );
    const metadataFile = join(
      metadataFolder,
      `metadata-${platformSuffix(platform)}.json`,
    );
    const archive = options.archive
      ? `${platformSuffix(platform)}.oci.tar`
      : undefined;
    return {
      platform,
      references,
      metadataFile,
      archive,
      args: buildArgs(options, {
        platform,
        references,
        metadataFile,
        archiveFile: archive && join(archiveFolder, archive),
      }),
    };
  });
}

interface BuildTarget {
  platform: string;
  references: string[];
  metadataFile: string;
  /** Absolute path of the OCI archive to write, named after the first reference. */
  archiveFile?: string;
}

/** Builds the argument array of `docker` for one platform. */
export function buildArgs(
  options: NormalizedDockerBuildOptions,
  target: BuildTarget,
): string[] {
  const args = ['buildx', 'build'];

  if (options.builder) {
    args.push('--builder', options.builder);
  }

  args.push(
    '--platform',
    target.platform,
    '--file',
    options.file,
    '--progress',
    options.progress,
  );

  for (const [name, path] of Object.entries(options.buildContexts)) {
    args.push('--build-context', `${name}=${path}`);
  }

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

  for (const secret of options.secrets) {
    args.push('--secret', secret);
  }

  for (const socket of options.ssh) {
    args.push('--ssh', socket);
  }

  for (const source of options.cacheFrom) {
    args.push(
      '--cache-from',
      scopeCache(source, 'src', options, target.platform),
    );
  }

  for (const destination of options.cacheTo) {
    args.push(
      '--cache-to',
      scopeCache(destination, 'dest', options, target.platform),
    );
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

  if (options.sbom !== undefined) {
    args.push(`--sbom=${options.sbom}`);
  }

  if (options.load || options.push) {
    for (const reference of target.references) {
      args.push('--tag', reference);
    }
  }

  if (options.load) {
    args.push('--load');
  }

  if (options.push) {
    args.push('--push');
  }

  for (const output of options.outputs) {
    args.push(
      '--output',
      outputForPlatform(output, target.platform, options.platforms.length > 1),
    );
  }

  if (target.archiveFile) {
    args.push(
      '--output',
      `type=oci,dest=${target.archiveFile},name=${target.references[0]}`,
    );
  }

  args.push('--metadata-file', target.metadataFile, options.context);
  return args;
}

/**
 * Builds the `docker` arguments of one multi-platform build that loads every
 * platform under the plain tags; it reuses the per-platform builds' cache.
 */
export function multiPlatformLoadArgs(
  options: NormalizedDockerBuildOptions,
): string[] {
  const single = buildArgs(
    { ...options, push: false, load: true, outputs: [], cacheTo: [] },
    {
      platform: options.platforms.join(','),
      references: options.tags.map((tag) => `${options.image}:${tag}`),
      metadataFile: '',
    },
  );
  const metadataAt = single.indexOf('--metadata-file');
  return [...single.slice(0, metadataAt), ...single.slice(metadataAt + 2)];
}

/** Builds the `docker` arguments that join pushed per-platform digests under every tag. */
export function imagetoolsCreateArgs(
  options: NormalizedDockerBuildOptions,
  digests: string[],
): string[] {
  const args = ['buildx', 'imagetools', 'create'];
  if (options.builder) {
    args.push('--builder', options.builder);
  }
  for (const tag of options.tags) {
    args.push('--tag', `${options.image}:${tag}`);
  }
  return [...args, ...digests.map((digest) => `${options.image}@${digest}`)];
}

/**
 * Gives each platform its own destination: "{platform}" in dest= is replaced
 * by the platform suffix, and with several platforms a dest without it gets
 * the suffix before its extensions (api.oci.tar becomes api-arm64.oci.tar).
 */
export function outputForPlatform(
  output: string,
  platform: string,
  severalPlatforms: boolean,
): string {
  const suffix = platformSuffix(platform);
  return output
    .split(',')
    .map((field) => {
      if (!field.startsWith('dest=')) {
        return field;
      }
      const dest = field.slice('dest='.length);
      if (dest.includes('{platform}')) {
        return `dest=${dest.split('{platform}').join(suffix)}`;
      }
      if (!severalPlatforms) {
        return field;
      }
      const slash = dest.lastIndexOf('/');
      const dot = dest.indexOf('.', slash + 2);
      return dot === -1
        ? `dest=${dest}-${suffix}`
        : `dest=${dest.slice(0, dot)}-${suffix}${dest.slice(dot)}`;
    })
    .join(',');
}

const SECRET_NAME =
  /TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE|API_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH/i;

/**
 * Returns a copy of buildx arguments that is safe to print: build arguments
 * whose name looks like a credential lose their value, and credentials
 * inside URLs (https://user:token@host) are masked everywhere.
 */
export function redactArgs(args: readonly string[]): string[] {
  return args.map((arg, index) => {
    const masked = arg.replace(
      /(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+:[^/@\s]+@/gi,
      '$1***:***@',
    );
    if (args[index - 1] === '--build-arg') {
      const equals = masked.indexOf('=');
      const name = equals === -1 ? masked : masked.slice(0, equals);
      return SECRET_NAME.test(name) && equals !== -1 ? `${name}=***` : masked;
    }
    return masked;
  });
}

/**
 * Gives a cache entry a per-project, per-platform default location, so that
 * projects and platforms never overwrite each other's cache: type=gha gets
 * scope=<project>-<arch>, type=local gets a folder under tmp/docker-cache.
 * "{platform}" in any value is replaced by the platform suffix.
 */
export function scopeCache(
  entry: string,
  folderKey: 'src' | 'dest',
  options: Pick<NormalizedDockerBuildOptions, 'projectName' | 'workspaceRoot'>,
  platform: string,
): string {
  const suffix = platformSuffix(platform);
  const scoped = entry.split('{platform}').join(suffix);
  const fields = scoped.split(',');
  const type = fields
    .find((field) => field.startsWith('type='))
    ?.slice('type='.length);
  const has = (key: string) =>
    fields.some((field) => field.startsWith(`${key}=`));
  const scope = `${options.projectName.replace(/[^A-Za-z0-9_.-]/g, '-')}-${suffix}`;
  if (type === 'gha' && !has('scope')) {
    return `${scoped},scope=${scope}`;
  }
  if (type === 'local' && !has(folderKey)) {
    return `${scoped},${folderKey}=${join(options.workspaceRoot, 'tmp', 'docker-cache', scope)}`;
  }
  return scoped;
}
