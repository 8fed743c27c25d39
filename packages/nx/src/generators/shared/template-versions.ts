import * as versions from '../../utils/versions';

/** Returns the versions and defaults that the templates of both generators use. */
export function templateVersions(pythonVersion: string) {
  return {
    minPythonVersion: versions.MIN_PYTHON_VERSION,
    ruffTargetVersion: `py${versions.MIN_PYTHON_VERSION.replace('.', '')}`,
    requiresPoetry: versions.REQUIRES_POETRY,
    poetryCoreRequirement: versions.POETRY_CORE_REQUIREMENT,
    fastapiVersion: versions.FASTAPI_VERSION,
    uvicornVersion: versions.UVICORN_VERSION,
    pydanticSettingsVersion: versions.PYDANTIC_SETTINGS_VERSION,
    pytestVersion: versions.PYTEST_VERSION,
    httpxVersion: versions.HTTPX_VERSION,
    ruffVersion: versions.RUFF_VERSION,
    pythonImage: `python:${pythonVersion}-slim`,
    pipIndexUrl: versions.DEFAULT_PIP_INDEX_URL,
    poetryVersion: versions.POETRY_VERSION,
    poetryPluginExportVersion: versions.POETRY_PLUGIN_EXPORT_VERSION,
    maxGlibcMinor: versions.MAX_GLIBC_MINOR,
  };
}
