import type { Tree } from '@nx/devkit';
import { getProjects, joinPathFragments, normalizePath } from '@nx/devkit';
import { posix } from 'node:path';
import type { Pyproject } from '../plugins/pyproject';
import { readPyproject } from '../plugins/pyproject';

/** A workspace Python library that a project depends on. */
export interface WorkspaceLibrary {
  /** Nx project name, which also names its Docker build context. */
  projectName: string;
  /** Distribution name from [project].name of its pyproject.toml. */
  packageName: string;
  /** Folder relative to the workspace root. */
  root: string;
}

export interface ResolvedLibraries {
  /** The requested libraries, in the requested order. */
  direct: WorkspaceLibrary[];
  /** The requested libraries and every library they depend on through Poetry path dependencies. */
  all: WorkspaceLibrary[];
  problems: string[];
}

/** Splits a comma-separated option (or a list) into trimmed, unique, non-empty names. */
export function splitList(value: string | string[] | undefined): string[] {
  const items = Array.isArray(value) ? value : (value ?? '').split(',');
  return [
    ...new Set(items.map((item) => item.trim()).filter((item) => item !== '')),
  ];
}

/**
 * Finds the named Nx projects that are Python libraries (a pyproject.toml at
 * their root) and follows their path dependencies to the libraries they need.
 */
export function resolveLibraries(
  tree: Tree,
  names: string[],
): ResolvedLibraries {
  const projects = getProjects(tree);
  const applications = new Set(
    [...projects]
      .filter(([, project]) => project.projectType === 'application')
      .map(([projectName]) => projectName),
  );
  const libraries = [...projects]
    .filter(
      ([projectName, project]) =>
        !applications.has(projectName) &&
        tree.exists(joinPathFragments(project.root, 'pyproject.toml')),
    )
    .map(([projectName, project]) => ({
      projectName,
      root: normalizePath(project.root),
    }));
  const available = libraries.map((library) => library.projectName).sort();
  const problems: string[] = [];
  const direct: WorkspaceLibrary[] = [];
  for (const name of names) {
    const library = libraries.find(
      (candidate) => candidate.projectName === name,
    );
    if (!library && applications.has(name)) {
      problems.push(
        `"${name}" is an application, not a library, so nothing can depend on it. Move the shared code into a library ("nx g @mab/nx:python-library ${name}-core") and depend on that.`,
      );
      continue;
    }
    if (!library) {
      problems.push(
        `Unknown library "${name}": no project of that name has a pyproject.toml. Create it with "nx g @mab/nx:python-library ${name}"${available.length > 0 ? ` or pass one of: ${available.join(', ')}` : ''}.`,
      );
      continue;
    }
    direct.push(readLibrary(tree, library));
  }
  const all = [...direct];
  for (let index = 0; index < all.length; index++) {
    for (const root of readPathDependencies(tree, all[index].root)) {
      const library = libraries.find((candidate) => candidate.root === root);
      if (
        library &&
        !all.some((known) => known.projectName === library.projectName)
      ) {
        all.push(readLibrary(tree, library));
      }
    }
  }
  return { direct, all, problems };
}

/** Reads a library's pyproject.toml with the graph plugin's reader; a malformed one gives undefined. */
function readLibraryPyproject(tree: Tree, root: string): Pyproject | undefined {
  const file = joinPathFragments(root, 'pyproject.toml');
  const result = readPyproject(file, tree.read(file, 'utf-8') ?? '');
  // A malformed pyproject.toml contributes no name and no edges, and Poetry reports it when locking.
  return result.ok ? result.pyproject : undefined;
}

function readLibrary(
  tree: Tree,
  library: { projectName: string; root: string },
): WorkspaceLibrary {
  return {
    ...library,
    packageName:
      readLibraryPyproject(tree, library.root)?.name ?? library.projectName,
  };
}

/** Returns the folders of the main-group path dependencies, relative to the workspace root. */
function readPathDependencies(tree: Tree, root: string): string[] {
  const pyproject = readLibraryPyproject(tree, root);
  if (!pyproject) {
    return [];
  }
  return pyproject.pathDependencies
    .filter((dependency) => pyproject.dependencyNames.includes(dependency.name))
    .map((dependency) =>
      posix.isAbsolute(dependency.path)
        ? dependency.path
        : posix
            .normalize(posix.join(root, dependency.path))
            .replace(/\/+$/, ''),
    );
}
