#!/usr/bin/env bash
# Install a pinned Poetry 2 with its export plugin into its own virtual
# environment and link it as /usr/local/bin/poetry. Idempotent.
set -euo pipefail

POETRY_VERSION=${POETRY_VERSION:-2.2.1}
EXPORT_PLUGIN_VERSION=${EXPORT_PLUGIN_VERSION:-1.9.0}
POETRY_HOME=${POETRY_HOME:-/opt/mab-poetry}
PYTHON=${PYTHON:-python3}

if [ -x "$POETRY_HOME/bin/poetry" ] && "$POETRY_HOME/bin/poetry" --version 2>/dev/null | grep -q "version $POETRY_VERSION)"; then
  ln -sfn "$POETRY_HOME/bin/poetry" /usr/local/bin/poetry
  echo "poetry $POETRY_VERSION already installed in $POETRY_HOME"
  exit 0
fi
rm -rf "$POETRY_HOME"
"$PYTHON" -m venv "$POETRY_HOME"
"$POETRY_HOME/bin/pip" install --quiet "poetry==$POETRY_VERSION" "poetry-plugin-export==$EXPORT_PLUGIN_VERSION"
ln -sfn "$POETRY_HOME/bin/poetry" /usr/local/bin/poetry
poetry --version
