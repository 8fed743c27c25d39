import type {
  CreateNodes,
  CreateNodesContext,
  CreateNodesResult,
  TargetConfiguration,
} from '@nx/devkit';
import { createNodesFromFiles } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createPoetryTargets } from '../generators/shared/python-targets';
import { UserError } from '../utils/errors';
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
 * Infers Poetry targets for every Poetry project, and a docker-build target
 * for those with a Dockerfile next to pyproject.toml. A malformed Poetry
 * pyproject.toml fails only its own project.
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
    throw new UserError(
      `${result.message} The project in "${dirname(file)}" was skipped.`,
    );
  }
  if (!result.pyproject.isPoetry) {
    return {};
  }

  const root = dirname(file);
  const hasDockerfile = existsSync(
    join(context.workspaceRoot, root, 'Dockerfile'),
  );
  return {
    projects: {
      [root]: {
        name: result.pyproject.name,
        targets: createInferredTargets({
          root,
          pyproject: result.pyproject,
          hasDockerfile,
          options,
        }),
      },
    },
  };
}

/** Builds the inferred targets of one Poetry project, keyed by the configured target names. */
export function createInferredTargets({
  root,
  pyproject,
  hasDockerfile,
  options,
}: {
  root: string;
  pyproject: Pyproject;
  hasDockerfile: boolean;
  options: NormalizedMabNxPluginOptions;
}): Record<string, TargetConfiguration> {
  // The generators write the same commands into project.json, so a generated
  // project and an inferred one run identical tasks.
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
        inputs: [...(poetry.test.inputs ?? []), ...LIBRARY_INPUTS],
      },
      {
        description: 'Runs the tests with pytest.',
        help: {
          command: 'poetry run pytest --help',
          example: { args: ['-k', 'health'] },
        },
      },
    ),
    [options.lintTargetName]: withMetadata(poetry.lint, {
      description:
        'Checks the code with Ruff, and checks that it is formatted.',
      help: {
        command: 'poetry run ruff check --help',
        example: { args: ['--statistics'] },
      },
    }),
    [options.formatTargetName]: withMetadata(poetry.format, {
      description: 'Fixes what Ruff can fix and formats the code.',
      help: {
        command: 'poetry run ruff format --help',
        example: { args: ['--diff'] },
      },
    }),
  };
  if (pyproject.dependencyNames.includes('fastapi')) {
    targets[options.serveTargetName] = createServeTarget(root, pyproject);
  }
  if (hasDockerfile) {
    targets[options.dockerBuildTargetName] = createDockerBuildTarget(
      root,
      pyproject,
    );
  }
  return targets;
}

function createServeTarget(
  root: string,
  pyproject: Pyproject,
): TargetConfiguration {
  const moduleName = pyproject.moduleName ?? toModuleName(pyproject.name);
  return withMetadata(
    {
      executor: 'nx:run-commands',
      options: {
        command: `poetry run uvicorn ${moduleName}.main:app --reload --host 127.0.0.1`,
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
): TargetConfiguration {
  return {
    executor: '@mab/nx:docker-build',
    // NOTE: buildContexts is not inferred yet, so a Dockerfile that copies a
    // workspace library from a named build context fails to build. Set
    // buildContexts in project.json until the plugin fills it in.
    options: {
      image: pyproject.name,
      file: root === '.' ? 'Dockerfile' : `${root}/Dockerfile`,
      context: root,
    },
    cache: true,
    inputs: [
      '{projectRoot}/src/**/*',
      '{projectRoot}/pyproject.toml',
      '{projectRoot}/poetry.lock',
      '{projectRoot}/Dockerfile',
      '{projectRoot}/.dockerignore',
      ...LIBRARY_INPUTS,
    ],
    metadata: {
      description:
        'Builds the image from the Dockerfile with Docker Buildx, once per platform.',
      technologies: ['docker', ...POETRY_TECHNOLOGIES],
      help: {
        command: 'docker buildx build --help',
        example: { options: { platforms: 'linux/amd64,linux/arm64' } },
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
