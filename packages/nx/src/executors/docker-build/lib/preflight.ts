import { existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { UserError } from '../../../utils/errors';
import { runCommand } from '../../../utils/exec';
import { ensureBuilder } from './builder';
import type { NormalizedDockerBuildOptions } from './normalize-options';

/** Facts about the engine found by the preflight and passed on to later steps. */
export interface EngineFacts {
  dockerVersion: string;
  buildxVersion: string;
  builder: string;
  driver: string;
  platforms: string[];
  containerdImageStore: boolean;
}

export const ENGINE_HELP = 'https://github.com/mab-dev/nx#a-build-engine';

/** Checks files, the Docker CLI, the daemon, buildx and the builder before any build. */
export async function runPreflight(
  options: NormalizedDockerBuildOptions,
): Promise<EngineFacts> {
  checkFiles(options);

  const cli = await runCommand('docker', [
    'version',
    '--format',
    '{{.Client.Version}}',
  ]);
  if (cli.notFound) {
    throw new UserError(
      `The Docker CLI "docker" was not found on PATH, so no image can be built. Install the Docker CLI with the Buildx plugin (see ${ENGINE_HELP}).`,
    );
  }

  const info = await runCommand('docker', ['info', '--format', '{{json .}}']);
  if (info.exitCode !== 0) {
    throw new UserError(
      `The Docker daemon is not reachable (${lastLine(info.stderr) || `docker info exited with code ${info.exitCode}`}). Start the engine (for example "bash tools/engine.sh" in this repository, or Docker Desktop) and check DOCKER_HOST.`,
    );
  }

  const buildx = await runCommand('docker', ['buildx', 'version']);
  if (buildx.exitCode !== 0) {
    throw new UserError(
      `Docker Buildx is not installed: "docker buildx version" failed, while the Docker CLI ${cli.stdout.trim()} was found. Install the buildx plugin into ~/.docker/cli-plugins or /usr/local/lib/docker/cli-plugins (see ${ENGINE_HELP}); a plain "docker build" is never used instead.`,
    );
  }

  await ensureBuilder(options);

  const inspectArgs = [
    'buildx',
    'inspect',
    ...(options.builder ? [options.builder] : []),
  ];
  const inspect = await runCommand('docker', inspectArgs);
  if (inspect.exitCode !== 0) {
    throw new UserError(
      `${options.builder ? `The buildx builder "${options.builder}"` : 'The current buildx builder'} cannot be used (${lastLine(inspect.stderr)}). List the builders with "docker buildx ls" and pass one with --builder.`,
    );
  }

  const builder = parseBuilderInspect(inspect.stdout);
  const facts: EngineFacts = {
    dockerVersion: cli.stdout.trim(),
    buildxVersion: parseBuildxVersion(buildx.stdout),
    ...builder,
    containerdImageStore: isContainerdImageStore(info.stdout),
  };

  checkPlatforms(options.platforms, facts);
  checkDriver(options, facts);
  return facts;
}

/** Checks the Dockerfile, the contexts and the secrets; needs no engine, so dry runs use it too. */
export function checkFiles(options: NormalizedDockerBuildOptions): void {
  const displayPath = (path: string) =>
    relative(options.workspaceRoot, path) || '.';
  if (
    !existsSync(options.context) ||
    !statSync(options.context).isDirectory()
  ) {
    throw new UserError(
      `The build context "${displayPath(options.context)}" of project "${options.projectName}" does not exist or is not a folder. Set the "context" option to a folder relative to the workspace root.`,
    );
  }
  if (!existsSync(options.file)) {
    throw new UserError(
      `The Dockerfile "${displayPath(options.file)}" of project "${options.projectName}" does not exist. Create it or set the "file" option to its path relative to the workspace root.`,
    );
  }
  for (const [name, path] of Object.entries(options.buildContexts)) {
    if (!existsSync(path) || !statSync(path).isDirectory()) {
      throw new UserError(
        `The build context "${name}" of project "${options.projectName}" points to "${displayPath(path)}", which does not exist or is not a folder. Fix its path in the "buildContexts" option.`,
      );
    }
  }
  checkSecrets(options);
}

/** Fails when a secret's variable is unset or its file is missing. Values are never read or printed. */
export function checkSecrets(
  options: Pick<NormalizedDockerBuildOptions, 'secrets' | 'projectName'>,
  env: NodeJS.ProcessEnv = process.env,
): void {
  for (const secret of options.secrets) {
    const fields = Object.fromEntries(
      secret.split(',').map((field) => {
        const equals = field.indexOf('=');
        return [field.slice(0, equals), field.slice(equals + 1)];
      }),
    );
    if (fields.env !== undefined && env[fields.env] === undefined) {
      throw new UserError(
        `The secret "${fields.id}" of project "${options.projectName}" reads the environment variable "${fields.env}", which is not set. Export it before the build, or remove the secret from the "secrets" option.`,
      );
    }
    if (fields.src !== undefined && !existsSync(fields.src)) {
      throw new UserError(
        `The secret "${fields.id}" of project "${options.projectName}" reads the file "${fields.src}", which does not exist. Create it, or fix "src" in the "secrets" option.`,
      );
    }
  }
}

/** Fails when the builder lists none of a requested platform, naming the fix. */
export function checkPlatforms(
  requested: string[],
  facts: Pick<EngineFacts, 'builder' | 'platforms'>,
): void {
  const missing = requested.filter(
    (platform) => !facts.platforms.includes(platform),
  );
  if (missing.length === 0) {
    return;
  }
  const arches = missing.map((platform) => platform.split('/')[1]).join(',');
  throw new UserError(
    `The buildx builder "${facts.builder}" cannot build ${missing.map((p) => `"${p}"`).join(', ')}: it supports ${facts.platforms.join(', ') || 'no platform'}. Register QEMU emulation for it (docker run --privileged --rm tonistiigi/binfmt --install ${arches}, or "bash tools/engine.sh" in this repository), or pass --builder with a builder that has a node for it.`,
  );
}

function checkDriver(
  options: NormalizedDockerBuildOptions,
  facts: EngineFacts,
): void {
  if (facts.driver !== 'docker' || facts.containerdImageStore) {
    return;
  }
  const archive = options.outputs.find((output) =>
    /(^|,)type=(oci|docker)\b/.test(output),
  );
  if (archive) {
    throw new UserError(
      `The output "${archive}" is not supported by the "docker" driver of builder "${facts.builder}" without the containerd image store. Enable the containerd image store ("features": {"containerd-snapshotter": true} in daemon.json), or create a docker-container builder and pass it with --builder.`,
    );
  }
  const unsupported = options.cacheTo.filter(
    (destination) => !/^type=inline\b/.test(destination),
  );
  if (unsupported.length > 0) {
    throw new UserError(
      `The cache export "${unsupported[0]}" is not supported by the "docker" driver of builder "${facts.builder}" without the containerd image store. Use "type=inline", enable the containerd image store, or create a docker-container builder and pass it with --builder.`,
    );
  }
}

/** Reads the driver and platforms from `docker buildx inspect` output. */
export function parseBuilderInspect(output: string): {
  builder: string;
  driver: string;
  platforms: string[];
} {
  const field = (name: string) =>
    output
      .split('\n')
      .find((line) => line.startsWith(`${name}:`))
      ?.slice(name.length + 1)
      .trim() ?? '';
  const platforms = output
    .split('\n')
    .filter((line) => line.startsWith('Platforms:'))
    .flatMap((line) => line.slice('Platforms:'.length).split(','))
    .map((platform) => platform.trim().replace(/\*$/, ''))
    .filter((platform) => platform !== '');
  return {
    builder: field('Name'),
    driver: field('Driver'),
    platforms: [...new Set(platforms)],
  };
}

/** Returns the version word of `docker buildx version` output. */
export function parseBuildxVersion(output: string): string {
  return output.trim().split(/\s+/)[1] ?? 'unknown';
}

/** Returns true when `docker info` JSON shows the containerd snapshotter in use. */
export function isContainerdImageStore(infoJson: string): boolean {
  return infoJson.includes('io.containerd.snapshotter.v1');
}

/** Returns the last non-empty line of a command's error output. */
export function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines[lines.length - 1] ?? '';
}
