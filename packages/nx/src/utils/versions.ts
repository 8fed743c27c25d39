/** Versions written into generated services and images, in one place. */
export const PYTHON_VERSION = '3.13';
export const MIN_PYTHON_VERSION = '3.11';
export const POETRY_VERSION = '2.2.1';
export const POETRY_PLUGIN_EXPORT_VERSION = '1.9.0';
export const POETRY_CORE_VERSION = '2.2.1';
export const FASTAPI_VERSION = '0.121.0';
export const UVICORN_VERSION = '0.38.0';
export const PYDANTIC_SETTINGS_VERSION = '2.11.0';
export const PYTEST_VERSION = '8.4.2';
export const HTTPX_VERSION = '0.28.1';
export const RUFF_VERSION = '0.14.3';
export const DEFAULT_PYTHON_IMAGE = `python:${PYTHON_VERSION}-slim`;
export const DEFAULT_PIP_INDEX_URL = 'https://pypi.org/simple';
