/** Versions written into generated services and images, in one place. */
export const PYTHON_VERSION = '3.13';
// The lowest Python that generated projects accept (requires-python). It is
// lower than the image's Python so that Poetry and pytest also run on a host
// with an older interpreter, such as Debian 12's Python 3.11.
export const MIN_PYTHON_VERSION = '3.11';
export const POETRY_VERSION = '2.2.1';
// PEP 621 [project] with [tool.poetry.dependencies] path enrichment needs Poetry 2.
export const REQUIRES_POETRY = '>=2.1,<3.0';
export const POETRY_CORE_REQUIREMENT = 'poetry-core>=2.0.0,<3.0.0';
export const POETRY_PLUGIN_EXPORT_VERSION = '1.9.0';
export const POETRY_CORE_VERSION = '2.2.1';
export const FASTAPI_VERSION = '0.121.0';
export const UVICORN_VERSION = '0.38.0';
export const PYDANTIC_SETTINGS_VERSION = '2.11.0';
export const PYTEST_VERSION = '8.4.2';
export const HTTPX_VERSION = '0.28.1';
export const RUFF_VERSION = '0.14.3';
export const DEFAULT_PYTHON_IMAGE = `python:${PYTHON_VERSION}-slim`;
/**
 * Highest glibc minor version of the manylinux wheel tags that the cross
 * build accepts (manylinux_2_5 to manylinux_2_36). Debian 12 and 13 based
 * python images ship glibc 2.36 and 2.41, so each such wheel runs there.
 */
export const MAX_GLIBC_MINOR = 36;
export const DEFAULT_PIP_INDEX_URL = 'https://pypi.org/simple';
