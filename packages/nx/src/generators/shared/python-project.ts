import type { Tree } from '@nx/devkit';
import {
  addProjectConfiguration,
  getProjects,
  joinPathFragments,
  normalizePath,
} from '@nx/devkit';
import { posix } from 'node:path';
import { toModuleName, validatePackageName } from '../../utils/python-names';
import { PYTHON_VERSION } from '../../utils/versions';
import type { WorkspaceLibrary } from '../../utils/workspace-libraries';
import { resolveLibraries, splitList } from '../../utils/workspace-libraries';

/** Options that the fastapi-service and python-library generators share. */
export interface PythonProjectSchema {
  name: string;
  directory?: string;
  /** A string, or a number when it comes from the command line (3.11). */
  pythonVersion?: string | number;
  tags?: string;
  dependencies?: string | string[];
  skipInstall?: boolean;
  skipFormat?: boolean;
}

/** A workspace library as a Poetry path dependency of the new project. */
export interface PathDependency extends WorkspaceLibrary {
  /** Folder of the library relative to the new project, for [tool.poetry.dependencies]. */
  relativePath: string;
}

export interface NormalizedPythonProjectOptions {
  projectName: string;
  /** Poetry package name: the kebab-case name. */
  packageName: string;
  /** Python module name: the snake_case name. */
  moduleName: string;
  projectRoot: string;
  /** Python version of the image and of Ruff's target, such as 3.13. */
  pythonVersion: string;
  tags: string[];
  /** Libraries named in --dependencies. */
  dependencies: PathDependency[];
  /**
   * Those libraries and the libraries they depend on. All of them are listed
   * in pyproject.toml, because Poetry 2.2 does not follow the path
   * dependencies of a path dependency: it looks the inner ones up by name on
   * the package index and fails.
   */
  allLibraries: PathDependency[];
  skipInstall: boolean;
  skipFormat: boolean;
}

/** Python versions the generators accept; the schema enums list the same. */
export const PYTHON_VERSIONS = ['3.11', '3.12', '3.13', '3.14'];
export const DEFAULT_PYTHON_VERSION = PYTHON_VERSION;

/**
 * Normalizes the shared options and returns every problem found, so that the
 * generator can report them together before writing anything.
 */
export function normalizePythonProject(
  tree: Tree,
  schema: PythonProjectSchema,
  kind: { name: 'service' | 'library'; folder: string; example: string },
): { options: NormalizedPythonProjectOptions; problems: string[] } {
  const name = String(schema.name ?? '').trim();
  const projectRoot = normalizePath(
    schema.directory?.trim() || joinPathFragments(kind.folder, name),
  ).replace(/\/+$/, '');
  const pythonVersion = String(schema.pythonVersion ?? DEFAULT_PYTHON_VERSION);
  const libraries = resolveLibraries(tree, splitList(schema.dependencies));
  const problems = [
    ...validatePackageName(name, kind.name, kind.example),
    ...validateDirectory(
      tree,
      projectRoot,
      joinPathFragments(kind.folder, kind.example),
    ),
    ...(PYTHON_VERSIONS.includes(pythonVersion)
      ? []
      : [
          `Invalid Python version "${pythonVersion}": use one of ${PYTHON_VERSIONS.join(', ')}.`,
        ]),
    ...(getProjects(tree).has(name)
      ? [`A project named "${name}" already exists. Choose another name.`]
      : []),
    ...libraries.problems,
    ...validateTags(splitList(schema.tags)),
    ...validateNotNested(tree, projectRoot),
  ];
  const options: NormalizedPythonProjectOptions = {
    projectName: name,
    packageName: name,
    moduleName: toModuleName(name),
    projectRoot,
    pythonVersion,
    tags: splitList(schema.tags),
    dependencies: libraries.direct.map((library) =>
      withRelativePath(library, projectRoot),
    ),
    allLibraries: libraries.all.map((library) =>
      withRelativePath(library, projectRoot),
    ),
    skipInstall: schema.skipInstall ?? false,
    skipFormat: schema.skipFormat ?? false,
  };
  return { options, problems };
}

function withRelativePath(
  library: WorkspaceLibrary,
  projectRoot: string,
): PathDependency {
  return {
    ...library,
    relativePath: posix.relative(projectRoot, library.root),
  };
}

function validateTags(tags: string[]): string[] {
  return tags
    .filter((tag) => /\s/.test(tag))
    .map(
      (tag) =>
        `Invalid tag "${tag}": tags cannot contain spaces. Separate tags with commas, for example "scope:orders,type:service".`,
    );
}

/** Rejects a folder inside another project, whose files and targets would overlap. */
function validateNotNested(tree: Tree, projectRoot: string): string[] {
  const outer = [...getProjects(tree)].find(
    ([, project]) =>
      project.root !== '.' &&
      project.root !== '' &&
      projectRoot.startsWith(
        `${normalizePath(project.root).replace(/\/+$/, '')}/`,
      ),
  );
  if (!outer) {
    return [];
  }
  return [
    `The directory "${projectRoot}" is inside the project "${outer[0]}" ("${outer[1].root}"), whose files and targets would overlap with it. Choose a folder outside every project, for example "libs/${posix.basename(projectRoot)}".`,
  ];
}

function validateDirectory(
  tree: Tree,
  projectRoot: string,
  example: string,
): string[] {
  if (
    projectRoot === '' ||
    projectRoot.startsWith('/') ||
    projectRoot.split('/').includes('..')
  ) {
    return [
      `Invalid directory "${projectRoot}": it must be a relative path inside the workspace, for example "${example}".`,
    ];
  }
  if (tree.exists(projectRoot)) {
    return [
      `The directory "${projectRoot}" already exists, and its files are never overwritten. Pass --directory with a new folder or remove the existing one.`,
    ];
  }
  return [];
}

/**
 * Registers a generated project. Its project.json carries only the name, the
 * type and the tags, because the @mab/nx graph plugin, which init registers,
 * infers every target from pyproject.toml, the Dockerfile and .python-version.
 */
export function addPythonProject(
  tree: Tree,
  options: NormalizedPythonProjectOptions,
  projectType: 'application' | 'library',
): void {
  addProjectConfiguration(tree, options.projectName, {
    root: options.projectRoot,
    sourceRoot: joinPathFragments(options.projectRoot, 'src'),
    projectType,
    tags: options.tags,
    targets: {},
  });
}
