import type { ProjectGraph } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { collectWorkspaceLibraries } from '../../../plugins/create-dependencies';

/**
 * Derives one named build context per workspace Python library that the
 * project depends on, directly or through other libraries, so that the build
 * sees exactly the service folder and those libraries.
 */
export function graphBuildContexts(
  graph: Pick<ProjectGraph, 'nodes' | 'dependencies'> | undefined,
  projectName: string,
  workspaceRoot: string,
): Record<string, string> {
  if (!graph) {
    return {};
  }
  return Object.fromEntries(
    collectWorkspaceLibraries(graph, projectName)
      .filter((library) =>
        existsSync(join(workspaceRoot, library.root, 'pyproject.toml')),
      )
      .map((library) => [
        library.projectName,
        join(workspaceRoot, library.root),
      ]),
  );
}
