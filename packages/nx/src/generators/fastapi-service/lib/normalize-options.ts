import type { Tree } from '@nx/devkit';
import { UserError } from '../../../utils/errors';
import type { NormalizedPythonProjectOptions } from '../../shared/python-project';
import { normalizePythonProject } from '../../shared/python-project';
import type { FastapiServiceGeneratorSchema } from '../schema';

export interface NormalizedFastapiServiceOptions extends NormalizedPythonProjectOptions {
  port: number;
}

export const DEFAULT_PORT = 8000;
export const SERVICES_FOLDER = 'apps';

/** Validates every option, reporting all problems at once, before anything is written. */
export function normalizeOptions(
  tree: Tree,
  schema: FastapiServiceGeneratorSchema,
): NormalizedFastapiServiceOptions {
  const { options, problems } = normalizePythonProject(tree, schema, {
    name: 'service',
    folder: SERVICES_FOLDER,
    example: 'orders-api',
  });
  const port = schema.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push(
      `Invalid port "${port}": use a whole number from 1 to 65535.`,
    );
  }
  if (problems.length > 0) {
    throw new UserError(problems.join('\n'));
  }
  return { ...options, port };
}
