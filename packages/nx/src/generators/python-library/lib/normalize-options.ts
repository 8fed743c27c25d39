import type { Tree } from '@nx/devkit';
import { UserError } from '../../../utils/errors';
import type { NormalizedPythonProjectOptions } from '../../shared/python-project';
import { normalizePythonProject } from '../../shared/python-project';
import type { PythonLibraryGeneratorSchema } from '../schema';

export type NormalizedPythonLibraryOptions = NormalizedPythonProjectOptions;

export const LIBRARIES_FOLDER = 'libs';

/** Validates every option, reporting all problems at once, before anything is written. */
export function normalizeOptions(
  tree: Tree,
  schema: PythonLibraryGeneratorSchema,
): NormalizedPythonLibraryOptions {
  const { options, problems } = normalizePythonProject(tree, schema, {
    name: 'library',
    folder: LIBRARIES_FOLDER,
    example: 'shared-models',
  });
  if (problems.length > 0) {
    throw new UserError(problems.join('\n'));
  }
  return options;
}
