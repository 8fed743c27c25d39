import type {
  CreateDependencies,
  CreateDependenciesContext,
  FileMap,
  ProjectGraph,
  StaticDependency,
} from '@nx/devkit';
import {
  DependencyType,
  logger,
  normalizePath,
  validateDependency,
} from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, posix, relative } from 'node:path';
import type { MabNxPluginOptions } from './plugin-options';
import type { PathDependency, ReadPyprojectResult } from './pyproject';
import { readPyproject } from './pyproject';

/** An Nx project with a pyproject.toml at its root. */
interface PythonProject {
  name: string;
  /** Folder relative to the workspace root, '.' for the root project. */
  root: string;
  /** Workspace-relative path of its pyproject.toml. */
  file: string;
}

/** A workspace library that a project needs, directly or through other libraries. */
export interface CollectedLibrary {
  projectName: string;
  /** Folder relative to the workspace root. */
  root: string;
}

/**
 * Adds a static edge from each Python project to every workspace project that
 * its pyproject.toml names as a path dependency. Nx derives the transitive
 * closure from these direct edges.
 */
export const createDependencies: CreateDependencies<MabNxPluginOptions> = (
  _options,
  context,
) => {
  const projects = listPythonProjects(context);
  const readFile = createPyprojectCache(context.workspaceRoot);
  const dependencies: StaticDependency[] = [];

  for (const source of projects) {
    if (!isInFileMap(context.filesToProcess, source)) {
      continue;
    }
    const result = readFile(source.file);
    if (!result.ok) {
      if (result.problem !== 'not-a-project') {
        logger.warn(
          `Skipped the dependencies of project "${source.name}" until its pyproject.toml is fixed. ${result.message}`,
        );
      }
      continue;
    }
    for (const pathDependency of result.pyproject.pathDependencies) {
      const dependency = createEdge({
        source,
        pathDependency,
        projects,
        readFile,
        context,
      });
      if (
        dependency &&
        !dependencies.some(
          (known) =>
            known.source === dependency.source &&
            known.target === dependency.target,
        )
      ) {
        dependencies.push(dependency);
      }
    }
  }
  return dependencies;
};

/**
 * Returns every workspace project that a project reaches through the graph's
 * dependencies, in breadth-first order, without the project itself and
 * without external nodes such as npm packages.
 */
export function collectWorkspaceLibraries(
  graph: Pick<ProjectGraph, 'nodes' | 'dependencies'>,
  projectName: string,
): CollectedLibrary[] {
  const seen = new Set([projectName]);
  const queue = [projectName];
  const libraries: CollectedLibrary[] = [];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    for (const { target } of graph.dependencies[current] ?? []) {
      const node = graph.nodes[target];
      if (node && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
        libraries.push({ projectName: target, root: node.data.root });
      }
    }
  }
  return libraries;
}

function listPythonProjects(
  context: CreateDependenciesContext,
): PythonProject[] {
  return Object.entries(context.projects)
    .map(([name, project]) => {
      const root = normalizePath(project.root).replace(/\/+$/, '') || '.';
      return {
        name,
        root,
        file: root === '.' ? 'pyproject.toml' : `${root}/pyproject.toml`,
      };
    })
    .filter((project) => isInFileMap(context.fileMap, project));
}

function isInFileMap(fileMap: FileMap, project: PythonProject): boolean {
  return (fileMap.projectFileMap[project.name] ?? []).some(
    (fileData) => fileData.file === project.file,
  );
}

// Reads each pyproject.toml at most once. The results live only as long as one createDependencies call.
function createPyprojectCache(
  workspaceRoot: string,
): (file: string) => ReadPyprojectResult {
  const results = new Map<string, ReadPyprojectResult>();
  return (file) => {
    let result = results.get(file);
    if (!result) {
      result = readPyprojectFile(workspaceRoot, file);
      results.set(file, result);
    }
    return result;
  };
}

function readPyprojectFile(
  workspaceRoot: string,
  file: string,
): ReadPyprojectResult {
  let text: string;
  try {
    text = readFileSync(join(workspaceRoot, file), 'utf-8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      file,
      problem: 'unreadable',
      message: `Failed to read "${file}" (${reason}).`,
    };
  }
  return readPyproject(file, text);
}

function createEdge({
  source,
  pathDependency,
  projects,
  readFile,
  context,
}: {
  source: PythonProject;
  pathDependency: PathDependency;
  projects: PythonProject[];
  readFile: (file: string) => ReadPyprojectResult;
  context: CreateDependenciesContext;
}): StaticDependency | undefined {
  const folder = resolveFolder(
    context.workspaceRoot,
    source.root,
    pathDependency.path,
  );
  const target =
    projects.find((project) => project.root === folder) ??
    projects.find((project) => {
      const result = readFile(project.file);
      return result.ok && result.pyproject.name === pathDependency.name;
    });
  if (!target) {
    logger.warn(
      `Skipped the dependency of project "${source.name}" on "${pathDependency.name}" declared in "${source.file}". ` +
        `Its path "${pathDependency.path}" resolves to "${folder}", which is not the root of an Nx project, ` +
        `and no project has the package name "${pathDependency.name}". Correct the path or create the project.`,
    );
    return undefined;
  }
  if (target.name === source.name) {
    return undefined;
  }

  const dependency: StaticDependency = {
    source: source.name,
    target: target.name,
    sourceFile: source.file,
    type: DependencyType.static,
  };
  try {
    validateDependency(dependency, context);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn(
      `Skipped the dependency of project "${source.name}" on "${target.name}" declared in "${source.file}" because Nx rejected it (${reason}).`,
    );
    return undefined;
  }
  return dependency;
}

// Poetry resolves a relative path from the folder of pyproject.toml. The
// result is workspace-relative, or absolute when it lies outside the workspace.
function resolveFolder(
  workspaceRoot: string,
  projectRoot: string,
  path: string,
): string {
  const absolute = isAbsolute(path)
    ? path
    : join(workspaceRoot, projectRoot, path);
  const fromWorkspace = normalizePath(relative(workspaceRoot, absolute));
  if (
    fromWorkspace === '..' ||
    fromWorkspace.startsWith('../') ||
    isAbsolute(fromWorkspace)
  ) {
    return normalizePath(absolute);
  }
  return posix.normalize(fromWorkspace || '.').replace(/\/+$/, '') || '.';
}
