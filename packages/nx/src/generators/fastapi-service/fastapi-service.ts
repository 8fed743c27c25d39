import type { GeneratorCallback, Tree } from '@nx/devkit';
import { formatFiles, runTasksInSerial } from '@nx/devkit';
import { initGenerator } from '../init/init';
import { installDependencies } from '../shared/install-dependencies';
import { addPythonProject } from '../shared/python-project';
import { addFiles } from './lib/add-files';
import { normalizeOptions } from './lib/normalize-options';
import type { FastapiServiceGeneratorSchema } from './schema';

/** Scaffolds a FastAPI service managed by Poetry. */
export async function fastapiServiceGenerator(
  tree: Tree,
  schema: FastapiServiceGeneratorSchema,
): Promise<GeneratorCallback> {
  const options = normalizeOptions(tree, schema);
  const initTask = await initGenerator(tree, { skipFormat: true });
  addPythonProject(tree, options, 'application');
  addFiles(tree, options);
  if (!options.skipFormat) {
    await formatFiles(tree);
  }
  return runTasksInSerial(initTask, () =>
    options.skipInstall ? undefined : installDependencies(tree.root, options),
  );
}

export default fastapiServiceGenerator;
