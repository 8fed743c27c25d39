import type { GeneratorCallback, Tree } from '@nx/devkit';
import { formatFiles, logger, runTasksInSerial } from '@nx/devkit';
import { UserError } from '../../utils/errors';
import { runCommand } from '../../utils/exec';
import { initGenerator } from '../init/init';
import { addFiles } from './lib/add-files';
import { addProject } from './lib/add-project';
import { normalizeOptions } from './lib/normalize-options';
import type { NormalizedFastapiServiceOptions } from './lib/normalize-options';
import type { FastapiServiceGeneratorSchema } from './schema';

/** Scaffolds a FastAPI service managed by Poetry. */
export async function fastapiServiceGenerator(
  tree: Tree,
  schema: FastapiServiceGeneratorSchema,
): Promise<GeneratorCallback> {
  const options = normalizeOptions(tree, schema);
  const initTask = await initGenerator(tree, { skipFormat: true });
  addProject(tree, options);
  addFiles(tree, options);
  if (!options.skipFormat) {
    await formatFiles(tree);
  }
  return runTasksInSerial(initTask, () => (options.skipInstall ? undefined : installDependencies(tree.root, options)));
}

/** Locks and installs the service's dependencies with Poetry, after the files are written. */
async function installDependencies(workspaceRoot: string, options: NormalizedFastapiServiceOptions): Promise<void> {
  const cwd = `${workspaceRoot}/${options.projectRoot}`;
  for (const args of [['lock'], ['sync']]) {
    const result = await runCommand('poetry', args, { cwd, stream: true });
    if (result.notFound) {
      throw new UserError(
        `Poetry was not found on PATH, so "${options.projectRoot}" was generated without poetry.lock. Install Poetry 2 (pipx install poetry), then run "nx run ${options.projectName}:lock" and "nx run ${options.projectName}:install".`,
      );
    }
    if (result.exitCode !== 0) {
      throw new UserError(
        `"poetry ${args.join(' ')}" failed in "${options.projectRoot}" with exit code ${result.exitCode}. Fix the error above, then run "nx run ${options.projectName}:${args[0] === 'lock' ? 'lock' : 'install'}".`,
      );
    }
  }
  logger.info(`Locked and installed "${options.projectName}" with Poetry.`);
}

export default fastapiServiceGenerator;
