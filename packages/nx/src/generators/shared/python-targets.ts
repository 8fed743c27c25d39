import type { TargetConfiguration } from '@nx/devkit';

/** Builds the Poetry targets that services and libraries share: lock, install, test, lint, format. */
export function createPoetryTargets(
  projectRoot: string,
): Record<string, TargetConfiguration> {
  const poetry = (
    command: string,
    extra: Partial<TargetConfiguration> = {},
  ): TargetConfiguration => ({
    executor: 'nx:run-commands',
    options: { command, cwd: projectRoot },
    ...extra,
  });
  const codeInputs = [
    '{projectRoot}/src/**/*',
    '{projectRoot}/tests/**/*',
    '{projectRoot}/pyproject.toml',
    '{projectRoot}/poetry.lock',
  ];
  return {
    lock: poetry('poetry lock', {
      inputs: ['{projectRoot}/pyproject.toml'],
      outputs: ['{projectRoot}/poetry.lock'],
    }),
    install: poetry('poetry sync'),
    test: poetry('poetry run pytest', { cache: true, inputs: codeInputs }),
    lint: {
      executor: 'nx:run-commands',
      options: {
        commands: [
          'poetry run ruff check .',
          'poetry run ruff format --check .',
        ],
        parallel: false,
        cwd: projectRoot,
      },
      cache: true,
      inputs: codeInputs,
    },
    format: poetry('poetry run ruff check --fix . && poetry run ruff format .'),
  };
}
