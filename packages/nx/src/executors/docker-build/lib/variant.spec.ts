import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NormalizedDockerBuildOptions } from './normalize-options';
import { normalizeOptions } from './normalize-options';
import { chooseVariant, readStageNames } from './variant';

const createdFolders: string[] = [];
afterAll(() =>
  createdFolders.forEach((folder) =>
    rmSync(folder, { recursive: true, force: true }),
  ),
);

const TWO_VARIANTS = [
  'ARG PYTHON_IMAGE=python:3.13-slim',
  'FROM --platform=$BUILDPLATFORM ${PYTHON_IMAGE} AS requirements',
  'FROM ${PYTHON_IMAGE} AS cross',
  'from ${PYTHON_IMAGE} as Emulated',
].join('\n');

function optionsFor(
  dockerfile: string,
  overrides: Record<string, unknown> = {},
): NormalizedDockerBuildOptions {
  const root = mkdtempSync(join(tmpdir(), 'mab-variant-'));
  createdFolders.push(root);
  writeFileSync(join(root, 'Dockerfile'), dockerfile);
  return normalizeOptions(
    { platforms: 'linux/amd64,linux/arm64', ...overrides },
    { projectName: 'api', projectRoot: '.', workspaceRoot: root },
    'x64',
  );
}

describe('readStageNames', () => {
  it('lists stage names in lowercase', () => {
    expect(readStageNames(TWO_VARIANTS)).toEqual([
      'requirements',
      'cross',
      'emulated',
    ]);
  });

  it('ignores unnamed stages', () => {
    expect(readStageNames('FROM python:3.13-slim\nRUN true\n')).toEqual([]);
  });
});

describe('chooseVariant', () => {
  it('leaves Dockerfiles without variants alone', () => {
    expect(
      chooseVariant(optionsFor('FROM python:3.13-slim AS runtime\n')),
    ).toBeUndefined();
  });

  it('lets an explicit target win', () => {
    expect(
      chooseVariant(optionsFor(TWO_VARIANTS, { target: 'requirements' })),
    ).toBeUndefined();
  });

  it('follows an explicit variant', () => {
    expect(
      chooseVariant(optionsFor(TWO_VARIANTS, { variant: 'cross' })),
    ).toEqual({
      stage: 'cross',
      reason: 'the "variant" option is "cross"',
    });
  });

  it('falls back to emulated without poetry.lock', () => {
    const options = optionsFor(TWO_VARIANTS);
    expect(chooseVariant(options)).toEqual({
      stage: 'emulated',
      reason: `"${join(options.context, 'poetry.lock')}" does not exist, so wheel availability is unknown`,
    });
  });
});
