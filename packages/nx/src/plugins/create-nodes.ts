import type {
  CreateNodes,
  CreateNodesContext,
  CreateNodesResult,
  TargetConfiguration,
} from '@nx/devkit';
import { createNodesFromFiles, logger } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createPoetryTargets } from '../generators/shared/python-targets';
import { toModuleName } from '../utils/python-names';
import type {
  MabNxPluginOptions,
  NormalizedMabNxPluginOptions,
} from './plugin-options';
import { normalizePluginOptions } from './plugin-options';
import type { Pyproject } from './pyproject';
import { readPyproject } from './pyproject';

export const PYPROJECT_GLOB = '**/pyproject.toml';

const POETRY_TECHNOLOGIES = ['python', 'poetry'];

// The `^` prefix makes Nx hash these files in every project the target's
// project depends on: the source and pyproject.toml of each library.
const LIBRARY_INPUTS = [
  '^{projectRoot}/src/**/*',
  '^{projectRoot}/pyproject.toml',
];

/**
 * Infers Poetry targets for every Poetry project, and docker-build and
 * docker-load targets for those with a Dockerfile next to pyproject.toml. A
 * malformed pyproject.toml is reported with a warning and skipped, so the
 * other projects still load.
 */
export const createNodes: CreateNodes<MabNxPluginOptions> = [
  PYPROJECT_GLOB,
  async (files, options, context) => {
    const normalized = normalizePluginOptions(options);
    // NOTE: Nothing caches the inferred targets yet, so every graph computation
    // reads each pyproject.toml again. A cache in the workspace data directory
    // needs Nx internals, which only utils/nx-internals.ts may import.
    return createNodesFromFiles(
      (file, _options, fileContext) =>
        createProjectNode(file, normalized, fileContext),
      files,
      options,
      context,
    );
  },
];

function createProjectNode(
  file: string,
  options: NormalizedMabNxPluginOptions,
  context: CreateNodesContext,
): CreateNodesResult {
  const result = readPyproject(
    file,
    readFileSync(join(context.workspaceRoot, file), 'utf-8'),
  );
  if (!result.ok) {
    if (result.problem === 'not-a-project') {
      return {};
    }
    // A warning rather than an error: Nx fails the whole project graph when
    // createNodes throws, and one broken file must not stop every command.
    logger.warn(
      `${result.message} The project in "${dirname(file)}" was skipped.`,
    );
    return {};
  }
  if (!result.pyproject.isPoetry) {
    return {};
  }

  const root = dirname(file);
  return {
    projects: {
      [root]: {
        name: result.pyproject.name,
        targets: createInferredTargets({
          root,
          pyproject: result.pyproject,
          image: readImageFacts(join(context.workspaceRoot, root)),
          options,
          namedInputs: hasPythonNamedInputs(
            context.nxJsonConfiguration?.namedInputs,
          ),
        }),
      },
    },
  };
}

/** Returns true when nx.json defines the named inputs that init adds. */
export function hasPythonNamedInputs(
  namedInputs: Record<string, unknown> | undefined,
): boolean {
  return Boolean(
    namedInputs && 'python' in namedInputs && 'pythonTests' in namedInputs,
  );
}

/** Facts about a project's image read from its files; undefined without a Dockerfile. */
export interface ImageFacts {
  /** The X.Y of .python-version, which the generators write for the image's Python. */
  pythonVersion?: string;
  /** The port the Dockerfile sets as UVICORN_PORT. */
  port?: number;
}

/** Reads the Dockerfile and .python-version of a project folder. */
export function readImageFacts(folder: string): ImageFacts | undefined {
  const dockerfile = join(folder, 'Dockerfile');
  if (!existsSync(dockerfile)) {
    return undefined;
  }
  const port = /UVICORN_PORT=(\d+)/.exec(
    readFileSync(dockerfile, 'utf-8'),
  )?.[1];
  const versionFile = join(folder, '.python-version');
  const version = existsSync(versionFile)
    ? /^(\d+\.\d+)/.exec(readFileSync(versionFile, 'utf-8').trim())?.[1]
    : undefined;
  return {
    ...(version ? { pythonVersion: version } : {}),
    ...(port ? { port: Number(port) } : {}),
  };
}

/** Builds the inferred targets of one Poetry project, keyed by the configured target names. */
export function createInferredTargets({
  root,
  pyproject,
  image,
  options,
  namedInputs = false,
}: {
  root: string;
  pyproject: Pyproject;
  /** Facts about the image, or undefined when the project has no Dockerfile. */
  image?: ImageFacts;
  options: NormalizedMabNxPluginOptions;
  /** Whether to use the "python" and "pythonTests" named inputs of nx.json. */
  namedInputs?: boolean;
}): Record<string, TargetConfiguration> {
  const poetry = createPoetryTargets(root);
  const targets: Record<string, TargetConfiguration> = {
    [options.lockTargetName]: withMetadata(poetry.lock, {
      description:
        'Resolves the dependencies in pyproject.toml and writes poetry.lock.',
      help: { command: 'poetry lock --help', example: {} },
    }),
    [options.installTargetName]: withMetadata(poetry.install, {
      description:
        'Installs the locked dependencies into the project virtual environment and removes others.',
      help: {
        command: 'poetry sync --help',
        example: { args: ['--with', 'dev'] },
      },
    }),
    [options.testTargetName]: withMetadata(
      {
        ...poetry.test,
        inputs: namedInputs
          ? ['python', 'pythonTests', '^python']
          : [...(poetry.test.inputs ?? []), ...LIBRARY_INPUTS],
      },
      {
        description: 'Runs the tests with pytest.',
        help: {
          command: 'poetry run pytest --help',
          example: { args: ['-k', 'health'] },
        },
      },
    ),
    [options.lintTargetName]: withMetadata(
      namedInputs
        ? { ...poetry.lint, inputs: ['python', 'pythonTests'] }
        : poetry.lint,
      {
        description:
          'Checks the code with Ruff, and checks that it is formatted.',
        help: {
          command: 'poetry run ruff check --help',
          example: { args: ['--statistics'] },
        },
      },
    ),
    [options.formatTargetName]: withMetadata(poetry.format, {
      description: 'Fixes what Ruff can fix and formats the code.',
      help: {
        command: 'poetry run ruff format --help',
        example: { args: ['--diff'] },
      },
    }),
  };
  if (pyproject.dependencyNames.includes('fastapi')) {
    targets[options.serveTargetName] = createServeTarget(
      root,
      pyproject,
      image?.port,
    );
  }
  if (image) {
    targets[options.dockerBuildTargetName] = createDockerBuildTarget(
      root,
      pyproject,
      image,
      namedInputs,
    );
    targets[options.dockerLoadTargetName] = createDockerLoadTarget(
      options.dockerBuildTargetName,
    );
  }
  return targets;
}

function createServeTarget(
  root: string,
  pyproject: Pyproject,
  port?: number,
): TargetConfiguration {
  const moduleName = pyproject.moduleName ?? toModuleName(pyproject.name);
  const portArgument = port ? ` --port ${port}` : '';
  return withMetadata(
    {
      executor: 'nx:run-commands',
      options: {
        command: `poetry run uvicorn ${moduleName}.main:app --reload --host 127.0.0.1${portArgument}`,
        cwd: root,
      },
      continuous: true,
    },
    {
      description:
        'Serves the FastAPI app with uvicorn and reloads it when the code changes.',
      help: {
        command: 'poetry run uvicorn --help',
        example: { args: ['--port', '8080'] },
      },
    },
  );
}

function createDockerBuildTarget(
  root: string,
  pyproject: Pyproject,
  image: ImageFacts,
  namedInputs: boolean,
): TargetConfiguration {
  const sources = namedInputs
    ? ['python', '^python']
    : [
        '{projectRoot}/src/**/*',
        '{projectRoot}/pyproject.toml',
        '{projectRoot}/poetry.lock',
        ...LIBRARY_INPUTS,
      ];
  return {
    executor: '@mab/nx:docker-build',
    options: {
      platforms: 'native',
      image: pyproject.name,
      file: root === '.' ? 'Dockerfile' : `${root}/Dockerfile`,
      context: root,
      // The archives make a cache hit restorable: docker-load loads them.
      archive: true,
      variant: 'auto',
      ...(image.pythonVersion ? { pythonVersion: image.pythonVersion } : {}),
    },
    cache: true,
    // The inputs are exactly what enters the image, so tests and docs stay
    // out. The libraries' sources come in through ^, which covers every
    // dependency transitively.
    inputs: [
      ...sources,
      '{projectRoot}/Dockerfile',
      '{projectRoot}/.dockerignore',
      { env: 'SOURCE_DATE_EPOCH' },
    ],
    outputs: ['{workspaceRoot}/dist/docker/{projectRoot}'],
    metadata: {
      description:
        'Builds the image with Docker Buildx, once per platform, loads it and writes OCI archives that docker-load can restore.',
      technologies: ['docker', ...POETRY_TECHNOLOGIES],
      help: {
        command: 'docker buildx build --help',
        example: { options: { platforms: 'linux/amd64,linux/arm64' } },
      },
    },
  };
}

function createDockerLoadTarget(buildTargetName: string): TargetConfiguration {
  return {
    executor: '@mab/nx:docker-load',
    // Forwarded, so that `nx run api:docker-load --platforms=arm64,amd64`
    // loads what a docker-build with the same options produced.
    dependsOn: [{ target: buildTargetName, params: 'forward' }],
    cache: false,
    options: {},
    metadata: {
      description:
        'Loads the images of the docker-build result into the local image store, also after a cache hit.',
      technologies: ['docker'],
      help: {
        command: 'docker load --help',
        example: {},
      },
    },
  };
}

function withMetadata(
  target: TargetConfiguration,
  metadata: {
    description: string;
    help: { command: string; example: { args?: string[] } };
  },
): TargetConfiguration {
  return {
    ...target,
    metadata: { ...metadata, technologies: POETRY_TECHNOLOGIES },
  };
}
