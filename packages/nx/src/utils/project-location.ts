import type { ExecutorContext } from '@nx/devkit';
import { UserError } from './errors';

/** The project an executor runs for, and where it and the workspace are. */
export interface ProjectLocation {
  projectName: string;
  projectRoot: string;
  workspaceRoot: string;
}

/** Reads the project of an executor run, failing clearly when it runs outside one. */
export function readProjectLocation(
  context: ExecutorContext,
  executor: string,
): ProjectLocation {
  const projectName = context.projectName;
  const project = projectName
    ? context.projectsConfigurations?.projects[projectName]
    : undefined;
  if (!projectName || !project) {
    throw new UserError(
      `The ${executor} executor must run as a target of a project, for example "nx run api:${executor}".`,
    );
  }
  return {
    projectName,
    projectRoot: project.root,
    workspaceRoot: context.root,
  };
}
