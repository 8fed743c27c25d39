import { logger } from '@nx/devkit';
import { UserError } from '../../utils/errors';
import { runCommand } from '../../utils/exec';

/** Locks and installs a project's dependencies with Poetry, after the files are written. */
export async function installDependencies(
  workspaceRoot: string,
  project: { projectName: string; projectRoot: string },
): Promise<void> {
  const cwd = `${workspaceRoot}/${project.projectRoot}`;
  for (const args of [['lock'], ['sync']]) {
    const result = await runCommand('poetry', args, { cwd, stream: true });
    if (result.notFound) {
      throw new UserError(
        `Poetry was not found on PATH, so "${project.projectRoot}" was generated without poetry.lock. Install Poetry 2 (pipx install poetry), then run "nx run ${project.projectName}:lock" and "nx run ${project.projectName}:install".`,
      );
    }
    if (result.exitCode !== 0) {
      throw new UserError(
        `"poetry ${args.join(' ')}" failed in "${project.projectRoot}" with exit code ${result.exitCode}. Fix the error above, then run "nx run ${project.projectName}:${args[0] === 'lock' ? 'lock' : 'install'}".`,
      );
    }
  }
  logger.info(`Locked and installed "${project.projectName}" with Poetry.`);
}
