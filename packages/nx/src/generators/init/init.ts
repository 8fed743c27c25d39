import type { GeneratorCallback, Tree } from '@nx/devkit';
import { formatFiles, readNxJson, updateNxJson } from '@nx/devkit';
import type { InitGeneratorSchema } from './schema';

/** Files of Poetry virtual environments and Python caches that never belong in git. */
export const PYTHON_IGNORES = ['.venv/', '__pycache__/', '.pytest_cache/', '.ruff_cache/'];

/**
 * Prepares the workspace for Python services: git ignores Python caches and
 * docker-build runs are never replayed from Nx's cache, because a cached run
 * would restore no image. Running it twice changes nothing.
 */
export async function initGenerator(tree: Tree, schema: InitGeneratorSchema = {}): Promise<GeneratorCallback> {
  addGitIgnores(tree);
  addTargetDefaults(tree);
  if (!schema.skipFormat) {
    await formatFiles(tree);
  }
  return () => undefined;
}

function addGitIgnores(tree: Tree): void {
  const current = tree.exists('.gitignore') ? (tree.read('.gitignore', 'utf-8') ?? '') : '';
  const lines = new Set(current.split('\n').map((line) => line.trim()));
  const missing = PYTHON_IGNORES.filter((entry) => !lines.has(entry));
  if (missing.length === 0) {
    return;
  }
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  tree.write('.gitignore', `${current}${separator}\n# Python (@mab/nx)\n${missing.join('\n')}\n`);
}

function addTargetDefaults(tree: Tree): void {
  const nxJson = readNxJson(tree) ?? {};
  const defaults = nxJson.targetDefaults ?? {};
  if (defaults['@mab/nx:docker-build']) {
    return;
  }
  defaults['@mab/nx:docker-build'] = { cache: false };
  updateNxJson(tree, { ...nxJson, targetDefaults: defaults });
}

export default initGenerator;
