import type { Tree } from '@nx/devkit';
import {
  addProjectConfiguration,
  generateFiles,
  joinPathFragments,
} from '@nx/devkit';
import { join } from 'node:path';
import { templateVersions } from '../../shared/template-versions';
import type { NormalizedPythonLibraryOptions } from './normalize-options';

/**
 * Registers the library in the workspace. Its targets are inferred from
 * pyproject.toml by the @mab/nx graph plugin, which init registers.
 */
export function addProject(
  tree: Tree,
  options: NormalizedPythonLibraryOptions,
): void {
  addProjectConfiguration(tree, options.projectName, {
    root: options.projectRoot,
    sourceRoot: joinPathFragments(options.projectRoot, 'src'),
    projectType: 'library',
    tags: options.tags,
    targets: {},
  });
}

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
