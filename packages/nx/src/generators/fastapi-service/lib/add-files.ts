import type { Tree } from '@nx/devkit';
import { generateFiles } from '@nx/devkit';
import { join } from 'node:path';
import * as versions from '../../../utils/versions';
import type { NormalizedFastapiServiceOptions } from './normalize-options';

/** Writes the Python package, its tests and the Docker files from the templates. */
export function addFiles(tree: Tree, options: NormalizedFastapiServiceOptions): void {
  const substitutions = {
    ...options,
    tmpl: '',
    dot: '.',
    envPrefix: `${options.moduleName.toUpperCase()}_`,
    minPythonVersion: versions.MIN_PYTHON_VERSION,
    fastapiVersion: versions.FASTAPI_VERSION,
    uvicornVersion: versions.UVICORN_VERSION,
    pydanticSettingsVersion: versions.PYDANTIC_SETTINGS_VERSION,
    pytestVersion: versions.PYTEST_VERSION,
    httpxVersion: versions.HTTPX_VERSION,
    ruffVersion: versions.RUFF_VERSION,
    pythonImage: versions.DEFAULT_PYTHON_IMAGE,
    pipIndexUrl: versions.DEFAULT_PIP_INDEX_URL,
    poetryVersion: versions.POETRY_VERSION,
    poetryPluginExportVersion: versions.POETRY_PLUGIN_EXPORT_VERSION,
  };
  for (const variant of ['base', 'docker']) {
    generateFiles(tree, join(__dirname, '..', 'files', variant), options.projectRoot, substitutions);
  }
}
