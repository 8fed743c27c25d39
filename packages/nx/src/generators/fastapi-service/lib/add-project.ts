import type { TargetConfiguration, Tree } from '@nx/devkit';
import { addProjectConfiguration, joinPathFragments } from '@nx/devkit';
import { createPoetryTargets } from '../../shared/python-targets';
import type { NormalizedFastapiServiceOptions } from './normalize-options';

/** Builds the Nx targets of a service: Poetry tasks run in the project folder. */
export function createServiceTargets(
  options: NormalizedFastapiServiceOptions,
): Record<string, TargetConfiguration> {
  return {
    ...createPoetryTargets(options.projectRoot),
    serve: {
      executor: 'nx:run-commands',
      options: {
        command: `poetry run uvicorn ${options.moduleName}.main:app --reload --host 127.0.0.1 --port ${options.port}`,
        cwd: options.projectRoot,
      },
      continuous: true,
    },
    'docker-build': {
      executor: '@mab/nx:docker-build',
      options: {
        platforms: 'native',
        image: options.packageName,
        file: joinPathFragments(options.projectRoot, 'Dockerfile'),
        context: options.projectRoot,
        // The Dockerfile copies each workspace library from a named build
        // context, so the build context itself stays the service folder.
        buildContexts: Object.fromEntries(
          options.allLibraries.map((library) => [
            library.projectName,
            library.root,
          ]),
        ),
        variant: 'auto',
        pythonVersion: options.pythonVersion,
      },
    },
  };
}

/** Registers the service in the workspace. */
export function addProject(
  tree: Tree,
  options: NormalizedFastapiServiceOptions,
): void {
  addProjectConfiguration(tree, options.projectName, {
    root: options.projectRoot,
    sourceRoot: joinPathFragments(options.projectRoot, 'src'),
    projectType: 'application',
    tags: options.tags,
    targets: createServiceTargets(options),
  });
}
