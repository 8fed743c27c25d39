import type { Tree } from '@nx/devkit';
import { generateFiles } from '@nx/devkit';
import { join } from 'node:path';
import { templateVersions } from '../../shared/template-versions';
import type { NormalizedPythonLibraryOptions } from './normalize-options';

/** Writes the Python package and its tests from the templates. */
export function addFiles(
  tree: Tree,
  options: NormalizedPythonLibraryOptions,
): void {
  generateFiles(tree, join(__dirname, '..', 'files'), options.projectRoot, {
    ...options,
    ...templateVersions(options.pythonVersion),
    tmpl: '',
    dot: '.',
  });
}
