import type { Tree } from '@nx/devkit';
import { addProjectConfiguration, joinPathFragments } from '@nx/devkit';
import type { NormalizedFastapiServiceOptions } from './normalize-options';

/**
 * Registers the service in the workspace. Its targets (lock, install, serve,
 * test, lint, format, docker-build, docker-load) are inferred from
 * pyproject.toml, the Dockerfile and .python-version by the @mab/nx graph
 * plugin, which init registers; the libraries' build contexts come from the
 * project graph when the image is built.
 */
export function addProject(
  tree: Tree,
  options: NormalizedFastapiServiceOptions,
): void {
  addProjectConfiguration(tree, options.projectName, {
    root: options.projectRoot,
    sourceRoot: joinPathFragments(options.projectRoot, 'src'),
    projectType: 'application',
    tags: options.tags,
    targets: {},
  });
}
