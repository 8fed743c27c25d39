import type { Tree } from '@nx/devkit';
import { getProjects, joinPathFragments, normalizePath } from '@nx/devkit';
import { UserError } from '../../../utils/errors';
import type { FastapiServiceGeneratorSchema } from '../schema';

export interface NormalizedFastapiServiceOptions {
  projectName: string;
  /** Poetry package name: the kebab-case service name. */
  packageName: string;
  /** Python module name: the snake_case service name. */
  moduleName: string;
  projectRoot: string;
  port: number;
  tags: string[];
  skipInstall: boolean;
  skipFormat: boolean;
}

export const DEFAULT_PORT = 8000;
export const SERVICES_FOLDER = 'apps';

const NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

// Keywords and soft keywords of Python 3.13; a module cannot be named after them.
const PYTHON_KEYWORDS = new Set([
  'false', 'none', 'true', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def',
  'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is',
  'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
  'match', 'case', 'type',
]);

/** Returns the snake_case Python module name of a kebab-case service name. */
export function toModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

/** Validates every option, reporting all problems at once, before anything is written. */
export function normalizeOptions(tree: Tree, schema: FastapiServiceGeneratorSchema): NormalizedFastapiServiceOptions {
  const name = String(schema.name ?? '').trim();
  const projectRoot = normalizePath(schema.directory?.trim() || joinPathFragments(SERVICES_FOLDER, name)).replace(/\/+$/, '');
  const port = schema.port ?? DEFAULT_PORT;
  const problems = [
    ...validateName(name),
    ...validateDirectory(tree, projectRoot),
    ...validatePort(port),
    ...(getProjects(tree).has(name)
      ? [`A project named "${name}" already exists. Choose another name.`]
      : []),
  ];
  if (problems.length > 0) {
    throw new UserError(problems.join('\n'));
  }
  return {
    projectName: name,
    packageName: name,
    moduleName: toModuleName(name),
    projectRoot,
    port,
    tags: (schema.tags ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag !== ''),
    skipInstall: schema.skipInstall ?? false,
    skipFormat: schema.skipFormat ?? false,
  };
}

function validateName(name: string): string[] {
  if (!NAME_PATTERN.test(name)) {
    return [
      `Invalid service name "${name}": use lowercase letters, digits and single hyphens, starting with a letter, for example "orders-api".`,
    ];
  }
  if (PYTHON_KEYWORDS.has(toModuleName(name))) {
    return [
      `Invalid service name "${name}": "${toModuleName(name)}" is a Python keyword and cannot name a module. Choose another name, for example "${name}-service".`,
    ];
  }
  return [];
}

function validateDirectory(tree: Tree, projectRoot: string): string[] {
  if (projectRoot.startsWith('/') || projectRoot.split('/').includes('..')) {
    return [`Invalid directory "${projectRoot}": it must be a relative path inside the workspace, for example "apps/orders-api".`];
  }
  if (tree.exists(projectRoot)) {
    return [
      `The directory "${projectRoot}" already exists, and its files are never overwritten. Pass --directory with a new folder or remove the existing one.`,
    ];
  }
  return [];
}

function validatePort(port: number): string[] {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return [`Invalid port "${port}": use a whole number from 1 to 65535.`];
  }
  return [];
}
