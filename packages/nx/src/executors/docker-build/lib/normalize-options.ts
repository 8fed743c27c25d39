import { isAbsolute, join, resolve } from 'node:path';
import * as z from 'zod';
import { UserError } from '../../../utils/errors';
import type { ProjectLocation } from '../../../utils/project-location';
import type { DockerBuildExecutorSchema } from '../schema';
import { normalizePlatforms } from './platforms';

/** Options after defaults, aliases and cross-field rules are applied. */
export interface NormalizedDockerBuildOptions {
  projectName: string;
  workspaceRoot: string;
  platforms: string[];
  image: string;
  tags: string[];
  /** Absolute build context folder. */
  context: string;
  /** Absolute Dockerfile path. */
  file: string;
  /** Named build contexts: names and absolute folders. */
  buildContexts: Record<string, string>;
  target?: string;
  variant: 'auto' | 'cross' | 'emulated';
  pythonVersion: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  ociLabels: boolean;
  /** Secrets as buildx --secret values: only ids, variable names and absolute file paths. */
  secrets: string[];
  ssh: string[];
  network?: string;
  load: boolean;
  push: boolean;
  outputs: string[];
  /** Whether each platform's image is also written as an OCI archive into outputPath. */
  archive: boolean;
  noCache: boolean;
  pull: boolean;
  provenance?: string;
  sbom?: string;
  builder?: string;
  createBuilder: boolean;
  builderDriver: 'docker-container' | 'kubernetes' | 'remote';
  builderDriverOpts: string[];
  cacheFrom: string[];
  cacheTo: string[];
  progress: 'auto' | 'plain' | 'tty' | 'quiet' | 'rawjson';
  /** Absolute folder that receives images.json. */
  outputPath: string;
  /** Absolute path of the combined metadata file, when requested. */
  metadataFile?: string;
  dryRun: boolean;
  quiet: boolean;
}

export const DEFAULT_TAGS = ['latest'];
export const DEFAULT_PLATFORMS = 'native';
export const DEFAULT_PROGRESS = 'plain';
export const DEFAULT_PYTHON_VERSION = '3.13';

// A repository as `docker tag` accepts it: an optional registry host with
// port, then lowercase path components.
const IMAGE_PATTERN =
  /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
const SECRET_ID = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/, 'must be a secret id such as pypi_token');
const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Puts the rejected value in front of the message, so the user sees it quoted.
const withInput = (message: string) => ({
  error: (issue: { input?: unknown }) => `"${String(issue.input)}" ${message}`,
});

// zod reports a record key that fails its schema as "Invalid key in record"
// unless the record itself supplies the message.
const keyError = (message: string) => (issue: { code?: string }) =>
  issue.code === 'invalid_key' ? message : undefined;

const DockerBuildOptions = z.strictObject({
  platforms: z
    .union([z.string(), z.array(z.string())])
    .default(DEFAULT_PLATFORMS),
  image: z
    .string()
    .regex(
      IMAGE_PATTERN,
      withInput(
        'is not an image repository: use lowercase letters, digits and separators, such as api or 127.0.0.1:5000/team/api',
      ),
    )
    .optional(),
  tags: z
    .array(
      z
        .string()
        .regex(
          TAG_PATTERN,
          withInput(
            'is not a Docker tag: use letters, digits, "_", "." and "-", at most 128 characters',
          ),
        ),
    )
    .min(1)
    .default(DEFAULT_TAGS),
  context: z.string().min(1).optional(),
  file: z.string().min(1).optional(),
  buildContexts: z
    .record(
      z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9._-]*$/,
          'must be a lowercase context name such as shared',
        ),
      z.string().min(1),
      { error: keyError('must be a lowercase context name such as shared') },
    )
    .default({}),
  target: z.string().min(1).optional(),
  variant: z.enum(['auto', 'cross', 'emulated']).default('auto'),
  pythonVersion: z
    .string()
    .regex(/^3\.\d+$/, 'must be a Python version such as 3.13')
    .default(DEFAULT_PYTHON_VERSION),
  buildArgs: z
    .record(
      z
        .string()
        .regex(
          BUILD_ARG_NAME,
          'must be a build argument name such as PYTHON_IMAGE',
        ),
      z.string(),
      { error: keyError('must be a build argument name such as PYTHON_IMAGE') },
    )
    .default({}),
  labels: z.record(z.string().min(1), z.string()).default({}),
  ociLabels: z.boolean().default(true),
  secrets: z
    .array(
      z.union(
        [
          z.strictObject({
            id: SECRET_ID,
            env: z
              .string()
              .regex(
                /^[A-Za-z_][A-Za-z0-9_]*$/,
                'must be an environment variable name',
              ),
          }),
          z.strictObject({ id: SECRET_ID, src: z.string().min(1) }),
        ],
        {
          error:
            'must be {"id": ..., "env": ...} or {"id": ..., "src": ...}; inline values are not accepted, so that no secret enters argv, logs or the cache hash',
        },
      ),
    )
    .default([]),
  ssh: z.array(z.string().min(1)).default([]),
  network: z.enum(['default', 'host', 'none']).optional(),
  load: z.boolean().optional(),
  push: z.boolean().default(false),
  archive: z.boolean().default(false),
  outputs: z
    .array(
      z
        .string()
        .regex(
          /(^|,)type=/,
          'must name an exporter, for example type=oci,dest=dist/api.oci.tar',
        ),
    )
    .default([]),
  noCache: z.boolean().default(false),
  pull: z.boolean().default(false),
  provenance: z.union([z.boolean(), z.string().min(1)]).optional(),
  sbom: z.union([z.boolean(), z.string().min(1)]).optional(),
  builder: z.string().min(1).optional(),
  createBuilder: z.boolean().default(false),
  builderDriver: z
    .enum(['docker-container', 'kubernetes', 'remote'])
    .default('docker-container'),
  builderDriverOpts: z.array(z.string().min(1)).default([]),
  cacheFrom: z.array(z.string().min(1)).default([]),
  cacheTo: z.array(z.string().min(1)).default([]),
  progress: z
    .enum(['auto', 'plain', 'tty', 'quiet', 'rawjson'])
    .default(DEFAULT_PROGRESS),
  outputPath: z.string().min(1).optional(),
  metadataFile: z.string().min(1).optional(),
  dryRun: z.boolean().default(false),
  quiet: z.boolean().default(false),
});

/** Validates executor options and fills in every default. */
export function normalizeOptions(
  options: DockerBuildExecutorSchema,
  location: ProjectLocation,
  arch?: string,
): NormalizedDockerBuildOptions {
  const parsed = DockerBuildOptions.safeParse(options);
  if (!parsed.success) {
    throw new UserError(
      `Invalid docker-build options for project "${location.projectName}":\n${z.prettifyError(parsed.error)}`,
    );
  }
  const values = parsed.data;
  if (values.createBuilder && !values.builder) {
    throw new UserError(
      `The option "createBuilder" of project "${location.projectName}" needs a builder name. Set "builder", for example "builder": "${location.projectName}-builder".`,
    );
  }
  const fromWorkspace = (path: string) =>
    isAbsolute(path) ? path : resolve(location.workspaceRoot, path);
  const context = fromWorkspace(values.context ?? location.projectRoot);
  return {
    projectName: location.projectName,
    workspaceRoot: location.workspaceRoot,
    platforms: normalizePlatforms(values.platforms, arch),
    image: values.image ?? defaultImageName(location.projectName),
    tags: [...new Set(values.tags)],
    context,
    file: fromWorkspace(
      values.file ?? join(location.projectRoot, 'Dockerfile'),
    ),
    buildContexts: Object.fromEntries(
      Object.entries(values.buildContexts).map(([name, path]) => [
        name,
        fromWorkspace(path),
      ]),
    ),
    target: values.target,
    variant: values.variant,
    pythonVersion: values.pythonVersion,
    buildArgs: values.buildArgs,
    labels: values.labels,
    ociLabels: values.ociLabels,
    secrets: values.secrets.map((secret) =>
      'env' in secret
        ? `id=${secret.id},env=${secret.env}`
        : `id=${secret.id},src=${fromWorkspace(secret.src)}`,
    ),
    ssh: values.ssh,
    network: values.network,
    load: values.load ?? !values.push,
    push: values.push,
    archive: values.archive,
    outputs: values.outputs.map((output) =>
      resolveOutputDestination(output, fromWorkspace),
    ),
    noCache: values.noCache,
    pull: values.pull,
    provenance:
      values.provenance === undefined ? undefined : String(values.provenance),
    sbom: values.sbom === undefined ? undefined : String(values.sbom),
    builder: values.builder,
    createBuilder: values.createBuilder,
    builderDriver: values.builderDriver,
    builderDriverOpts: values.builderDriverOpts,
    cacheFrom: values.cacheFrom,
    cacheTo: values.cacheTo,
    progress: values.progress,
    outputPath: fromWorkspace(
      values.outputPath ?? join('dist', 'docker', location.projectRoot),
    ),
    metadataFile:
      values.metadataFile === undefined
        ? undefined
        : fromWorkspace(values.metadataFile),
    dryRun: values.dryRun,
    quiet: values.quiet,
  };
}

/** Derives a valid image repository from an Nx project name. */
export function defaultImageName(projectName: string): string {
  const name = projectName
    .toLowerCase()
    .replace(/^@/, '')
    .replace(/[^a-z0-9._/-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (!IMAGE_PATTERN.test(name)) {
    throw new UserError(
      `No image name can be derived from project "${projectName}". Set the "image" option of its docker-build target, for example "image": "api".`,
    );
  }
  return name;
}

/** Makes the dest= of an --output value absolute, so builds do not depend on the working folder. */
function resolveOutputDestination(
  output: string,
  fromWorkspace: (path: string) => string,
): string {
  return output
    .split(',')
    .map((field) =>
      field.startsWith('dest=')
        ? `dest=${fromWorkspace(field.slice('dest='.length))}`
        : field,
    )
    .join(',');
}
