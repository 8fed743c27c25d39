import type { Tree } from '@nx/devkit';
import { generateFiles } from '@nx/devkit';
import { join } from 'node:path';
import { templateVersions } from '../../shared/template-versions';
import type { NormalizedFastapiServiceOptions } from './normalize-options';

/** Writes the Python package, its tests and the Docker files from the templates. */
export function addFiles(
  tree: Tree,
  options: NormalizedFastapiServiceOptions,
): void {
  const substitutions = {
    ...options,
    ...templateVersions(options.pythonVersion),
    tmpl: '',
    dot: '.',
    envPrefix: `${options.moduleName.toUpperCase()}_`,
  };
  for (const variant of ['base', 'docker']) {
    generateFiles(
      tree,
      join(__dirname, '..', 'files', variant),
      options.projectRoot,
      substitutions,
    );
  }
}
