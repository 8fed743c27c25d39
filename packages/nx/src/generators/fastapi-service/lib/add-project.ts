import type { TargetConfiguration, Tree } from '@nx/devkit';
import { addProjectConfiguration, joinPathFragments } from '@nx/devkit';
import type { NormalizedFastapiServiceOptions } from './normalize-options';

/** Builds the Nx targets of a service: Poetry tasks run in the project folder. */
export function createServiceTargets(options: NormalizedFastapiServiceOptions): Record<string, TargetConfiguration> {
  const poetry = (command: string, extra: Partial<TargetConfiguration> = {}): TargetConfiguration => ({
    executor: 'nx:run-commands',
    options: { command, cwd: options.projectRoot },
    ...extra,
  });
  const source = [
    '{projectRoot}/src/**/*',
    '{projectRoot}/pyproject.toml',
    '{projectRoot}/poetry.lock',
  ];
  return {
    lock: poetry('poetry lock', { inputs: ['{projectRoot}/pyproject.toml'], outputs: ['{projectRoot}/poetry.lock'] }),
    install: poetry('poetry sync'),
    serve: poetry(`poetry run uvicorn ${options.moduleName}.main:app --reload --port ${options.port}`, {
      continuous: true,
    }),
    test: poetry('poetry run pytest', {
      cache: true,
      inputs: [...source, '{projectRoot}/tests/**/*'],
    }),
    lint: poetry('poetry run ruff check .', {
      cache: true,
      inputs: [...source, '{projectRoot}/tests/**/*'],
    }),
    format: poetry('poetry run ruff format .'),
    'docker-build': {
      executor: '@mab/nx:docker-build',
      options: {
        platforms: 'native',
        image: options.packageName,
        file: joinPathFragments(options.projectRoot, 'Dockerfile'),
        context: options.projectRoot,
      },
    },
  };
}

/** Registers the service in the workspace. */
export function addProject(tree: Tree, options: NormalizedFastapiServiceOptions): void {
  addProjectConfiguration(tree, options.projectName, {
    root: options.projectRoot,
    sourceRoot: joinPathFragments(options.projectRoot, 'src'),
    projectType: 'application',
    tags: options.tags,
    targets: createServiceTargets(options),
  });
}
