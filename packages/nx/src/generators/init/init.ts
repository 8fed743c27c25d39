import type { GeneratorCallback, NxJsonConfiguration, Tree } from '@nx/devkit';
import { formatFiles, readNxJson, updateNxJson } from '@nx/devkit';
import type { InitGeneratorSchema } from './schema';

export const PLUGIN_NAME = '@mab/nx';

/**
 * Git ignore entries for Poetry virtual environments, Python caches, and
 * Nx's outputs and cache, where docker-build writes large OCI archives.
 */
export const PYTHON_IGNORES = [
  '.venv/',
  '__pycache__/',
  '.pytest_cache/',
  '.ruff_cache/',
  '/dist',
  '/.nx/cache',
  '/.nx/workspace-data',
];

/**
 * Named inputs that the inferred targets use when nx.json defines them, so a
 * workspace can widen or narrow what counts as a project's Python sources in
 * one place. Tests are a separate input because they never enter an image.
 */
export const PYTHON_NAMED_INPUTS: Record<string, string[]> = {
  python: [
    '{projectRoot}/src/**/*',
    '{projectRoot}/pyproject.toml',
    '{projectRoot}/poetry.lock',
  ],
  pythonTests: ['{projectRoot}/tests/**/*'],
};

/**
 * Defaults for every docker-build target, also hand-written ones: cached,
 * with OCI archives in its outputs, so that docker-load can restore an image
 * from a cache hit.
 */
export const DOCKER_BUILD_TARGET_DEFAULTS = {
  cache: true,
  outputs: ['{workspaceRoot}/dist/docker/{projectRoot}'],
  options: { archive: true },
};

/**
 * Sets up @mab/nx: registers the graph plugin, adds the Python named inputs
 * and the docker-build target defaults, and makes git ignore Python caches.
 * Each part is added only when missing, so running it twice changes nothing
 * and a user's own settings are kept.
 */
export async function initGenerator(
  tree: Tree,
  schema: InitGeneratorSchema = {},
): Promise<GeneratorCallback> {
  const nxJson = readNxJson(tree) ?? {};
  const updated = addTargetDefaults(addNamedInputs(registerPlugin(nxJson)));
  if (JSON.stringify(updated) !== JSON.stringify(nxJson)) {
    updateNxJson(tree, updated);
  }
  addGitIgnores(tree);
  if (!schema.skipFormat) {
    await formatFiles(tree);
  }
  return () => undefined;
}

/** Returns nx.json with the plugin registered, unless it already is, with or without options. */
export function registerPlugin(
  nxJson: NxJsonConfiguration,
): NxJsonConfiguration {
  const plugins = nxJson.plugins ?? [];
  const registered = plugins.some((entry) =>
    typeof entry === 'string'
      ? entry === PLUGIN_NAME
      : entry.plugin === PLUGIN_NAME,
  );
  return registered
    ? nxJson
    : { ...nxJson, plugins: [...plugins, PLUGIN_NAME] };
}

function addNamedInputs(nxJson: NxJsonConfiguration): NxJsonConfiguration {
  const current = nxJson.namedInputs ?? {};
  const missing = Object.entries(PYTHON_NAMED_INPUTS).filter(
    ([name]) => !(name in current),
  );
  if (missing.length === 0) {
    return nxJson;
  }
  return {
    ...nxJson,
    namedInputs: { ...current, ...Object.fromEntries(missing) },
  };
}

function addTargetDefaults(nxJson: NxJsonConfiguration): NxJsonConfiguration {
  const current = nxJson.targetDefaults ?? {};
  if ('@mab/nx:docker-build' in current) {
    return nxJson;
  }
  return {
    ...nxJson,
    targetDefaults: {
      ...current,
      '@mab/nx:docker-build': DOCKER_BUILD_TARGET_DEFAULTS,
    },
  };
}

function addGitIgnores(tree: Tree): void {
  const current = tree.exists('.gitignore')
    ? (tree.read('.gitignore', 'utf-8') ?? '')
    : '';
  const lines = new Set(current.split('\n').map((line) => line.trim()));
  const missing = PYTHON_IGNORES.filter((entry) => !lines.has(entry));
  if (missing.length === 0) {
    return;
  }
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  tree.write(
    '.gitignore',
    `${current}${separator}\n# Python (@mab/nx)\n${missing.join('\n')}\n`,
  );
}

export default initGenerator;
