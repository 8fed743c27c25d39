import type { CreateNodesContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  createInferredTargets,
  createNodes,
  hasPythonNamedInputs,
  PYPROJECT_GLOB,
} from './create-nodes';
import { DEFAULT_PLUGIN_OPTIONS } from './plugin-options';

const SERVICE_PYPROJECT = `
[project]
name = "Orders_API"
dependencies = ["fastapi (>=0.121.0,<1.0.0)", "shared"]

[tool.poetry]
packages = [{ include = "orders_api", from = "src" }]

[tool.poetry.dependencies]
shared = { path = "../../libs/shared", develop = true }
`;

const LIBRARY_PYPROJECT = `
[tool.poetry]
name = "shared"
`;

describe('createNodes', () => {
  const [glob, createNodesFunction] = createNodes;
  let workspaceRoot: string;
  let context: CreateNodesContext;

  function writeFiles(files: Record<string, string>): string[] {
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(dirname(join(workspaceRoot, file)), { recursive: true });
      writeFileSync(join(workspaceRoot, file), content);
    }
    return Object.keys(files).filter((file) => file.endsWith('pyproject.toml'));
  }

  beforeEach(() => {
    workspaceRoot = mkdtempSync(join(tmpdir(), 'mab-nx-nodes-'));
    context = { workspaceRoot, nxJsonConfiguration: {} };
  });

  afterEach(() => {
    rmSync(workspaceRoot, { recursive: true, force: true });
  });

  it('matches every pyproject.toml', () => {
    expect(glob).toBe('**/pyproject.toml');
    expect(PYPROJECT_GLOB).toBe(glob);
  });

  it('infers service targets with docker-build', async () => {
    const files = writeFiles({
      'apps/orders/pyproject.toml': SERVICE_PYPROJECT,
      'apps/orders/Dockerfile':
        'FROM python:3.13-slim\nENV UVICORN_PORT=9100\n',
      'apps/orders/.python-version': '3.13\n',
    });

    const results = await createNodesFunction(files, undefined, context);

    expect(results).toHaveLength(1);
    const [file, result] = results[0];
    expect(file).toBe('apps/orders/pyproject.toml');
    expect(Object.keys(result.projects ?? {})).toEqual(['apps/orders']);
    const project = result.projects?.['apps/orders'];
    expect(project?.name).toBe('orders-api');
    expect(Object.keys(project?.targets ?? {})).toEqual([
      'lock',
      'install',
      'test',
      'lint',
      'format',
      'serve',
      'docker-build',
      'docker-load',
    ]);
    expect(project?.targets?.['serve']).toEqual({
      executor: 'nx:run-commands',
      options: {
        command:
          'poetry run uvicorn orders_api.main:app --reload --host 127.0.0.1 --port 9100',
        cwd: 'apps/orders',
      },
      continuous: true,
      metadata: {
        description:
          'Serves the FastAPI app with uvicorn and reloads it when the code changes.',
        technologies: ['python', 'poetry'],
        help: {
          command: 'poetry run uvicorn --help',
          example: { args: ['--port', '8080'] },
        },
      },
    });
    expect(project?.targets?.['test']).toEqual({
      executor: 'nx:run-commands',
      options: { command: 'poetry run pytest', cwd: 'apps/orders' },
      cache: true,
      inputs: [
        '{projectRoot}/src/**/*',
        '{projectRoot}/tests/**/*',
        '{projectRoot}/pyproject.toml',
        '{projectRoot}/poetry.lock',
        '^{projectRoot}/src/**/*',
        '^{projectRoot}/pyproject.toml',
      ],
      metadata: {
        description: 'Runs the tests with pytest.',
        technologies: ['python', 'poetry'],
        help: {
          command: 'poetry run pytest --help',
          example: { args: ['-k', 'health'] },
        },
      },
    });
    expect(project?.targets?.['lint']).toEqual({
      executor: 'nx:run-commands',
      options: {
        commands: [
          'poetry run ruff check .',
          'poetry run ruff format --check .',
        ],
        parallel: false,
        cwd: 'apps/orders',
      },
      cache: true,
      inputs: [
        '{projectRoot}/src/**/*',
        '{projectRoot}/tests/**/*',
        '{projectRoot}/pyproject.toml',
        '{projectRoot}/poetry.lock',
      ],
      metadata: {
        description:
          'Checks the code with Ruff, and checks that it is formatted.',
        technologies: ['python', 'poetry'],
        help: {
          command: 'poetry run ruff check --help',
          example: { args: ['--statistics'] },
        },
      },
    });
    expect(project?.targets?.['docker-build']).toEqual({
      executor: '@mab/nx:docker-build',
      options: {
        platforms: 'native',
        image: 'orders-api',
        file: 'apps/orders/Dockerfile',
        context: 'apps/orders',
        archive: true,
        variant: 'auto',
        pythonVersion: '3.13',
      },
      cache: true,
      inputs: [
        '{projectRoot}/src/**/*',
        '{projectRoot}/pyproject.toml',
        '{projectRoot}/poetry.lock',
        '^{projectRoot}/src/**/*',
        '^{projectRoot}/pyproject.toml',
        '{projectRoot}/Dockerfile',
        '{projectRoot}/.dockerignore',
        { env: 'SOURCE_DATE_EPOCH' },
      ],
      outputs: ['{workspaceRoot}/dist/docker/{projectRoot}'],
      metadata: {
        description:
          'Builds the image with Docker Buildx, once per platform, loads it and writes OCI archives that docker-load can restore.',
        technologies: ['docker', 'python', 'poetry'],
        help: {
          command: 'docker buildx build --help',
          example: { options: { platforms: 'linux/amd64,linux/arm64' } },
        },
      },
    });
  });

  it('infers the Poetry targets of a library', async () => {
    const files = writeFiles({
      'libs/shared/pyproject.toml': LIBRARY_PYPROJECT,
    });

    const [[, result]] = await createNodesFunction(files, undefined, context);

    expect(result.projects?.['libs/shared']?.targets).toMatchInlineSnapshot(`
     {
       "format": {
         "executor": "nx:run-commands",
         "metadata": {
           "description": "Fixes what Ruff can fix and formats the code.",
           "help": {
             "command": "poetry run ruff format --help",
             "example": {
               "args": [
                 "--diff",
               ],
             },
           },
           "technologies": [
             "python",
             "poetry",
           ],
         },
         "options": {
           "command": "poetry run ruff check --fix . && poetry run ruff format .",
           "cwd": "libs/shared",
         },
       },
       "install": {
         "executor": "nx:run-commands",
         "metadata": {
           "description": "Installs the locked dependencies into the project virtual environment and removes others.",
           "help": {
             "command": "poetry sync --help",
             "example": {
               "args": [
                 "--with",
                 "dev",
               ],
             },
           },
           "technologies": [
             "python",
             "poetry",
           ],
         },
         "options": {
           "command": "poetry sync",
           "cwd": "libs/shared",
         },
       },
       "lint": {
         "cache": true,
         "executor": "nx:run-commands",
         "inputs": [
           "{projectRoot}/src/**/*",
           "{projectRoot}/tests/**/*",
           "{projectRoot}/pyproject.toml",
           "{projectRoot}/poetry.lock",
         ],
         "metadata": {
           "description": "Checks the code with Ruff, and checks that it is formatted.",
           "help": {
             "command": "poetry run ruff check --help",
             "example": {
               "args": [
                 "--statistics",
               ],
             },
           },
           "technologies": [
             "python",
             "poetry",
           ],
         },
         "options": {
           "commands": [
             "poetry run ruff check .",
             "poetry run ruff format --check .",
           ],
           "cwd": "libs/shared",
           "parallel": false,
         },
       },
       "lock": {
         "executor": "nx:run-commands",
         "inputs": [
           "{projectRoot}/pyproject.toml",
         ],
         "metadata": {
           "description": "Resolves the dependencies in pyproject.toml and writes poetry.lock.",
           "help": {
             "command": "poetry lock --help",
             "example": {},
           },
           "technologies": [
             "python",
             "poetry",
           ],
         },
         "options": {
           "command": "poetry lock",
           "cwd": "libs/shared",
         },
         "outputs": [
           "{projectRoot}/poetry.lock",
         ],
       },
       "test": {
         "cache": true,
         "executor": "nx:run-commands",
         "inputs": [
           "{projectRoot}/src/**/*",
           "{projectRoot}/tests/**/*",
           "{projectRoot}/pyproject.toml",
           "{projectRoot}/poetry.lock",
           "^{projectRoot}/src/**/*",
           "^{projectRoot}/pyproject.toml",
         ],
         "metadata": {
           "description": "Runs the tests with pytest.",
           "help": {
             "command": "poetry run pytest --help",
             "example": {
               "args": [
                 "-k",
                 "health",
               ],
             },
           },
           "technologies": [
             "python",
             "poetry",
           ],
         },
         "options": {
           "command": "poetry run pytest",
           "cwd": "libs/shared",
         },
       },
     }
    `);
  });

  it('applies configured target names', async () => {
    const files = writeFiles({
      'apps/orders/pyproject.toml': SERVICE_PYPROJECT,
      'apps/orders/Dockerfile': 'FROM python:3.13-slim\n',
    });

    const [[, result]] = await createNodesFunction(
      files,
      {
        testTargetName: 'pytest',
        dockerBuildTargetName: 'image',
        serveTargetName: 'dev',
      },
      context,
    );

    expect(
      Object.keys(result.projects?.['apps/orders']?.targets ?? {}),
    ).toEqual([
      'lock',
      'install',
      'pytest',
      'lint',
      'format',
      'dev',
      'image',
      'docker-load',
    ]);
    expect(
      result.projects?.['apps/orders']?.targets?.['docker-load']?.dependsOn,
    ).toEqual([{ target: 'image', params: 'forward' }]);
  });

  it('skips files that are not Poetry projects', async () => {
    const files = writeFiles({
      'pyproject.toml': '[tool.ruff]\nline-length = 100\n',
      'tools/hatch/pyproject.toml':
        '[project]\nname = "hatched"\n[build-system]\nbuild-backend = "hatchling.build"\n',
      'tools/workspace/pyproject.toml': '[tool.poetry]\npackage-mode = false\n',
    });

    expect(await createNodesFunction(files, undefined, context)).toEqual([
      ['pyproject.toml', {}],
      ['tools/hatch/pyproject.toml', {}],
      ['tools/workspace/pyproject.toml', {}],
    ]);
  });

  it('warns about a malformed project and keeps the others', async () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const files = writeFiles({
      'apps/orders/pyproject.toml': SERVICE_PYPROJECT,
      'libs/broken/pyproject.toml': '[tool.poetry]\nversion = "0.1.0"\n',
      'libs/bad-toml/pyproject.toml': 'name = \n',
    });

    const results = await createNodesFunction(files, undefined, context);

    expect(
      results.map(([file, result]) => [
        file,
        Object.keys(result.projects ?? {}),
      ]),
    ).toEqual([
      ['apps/orders/pyproject.toml', ['apps/orders']],
      ['libs/broken/pyproject.toml', []],
      ['libs/bad-toml/pyproject.toml', []],
    ]);
    expect(warn.mock.calls.map((call) => call[0])).toEqual([
      '"libs/broken/pyproject.toml" has no package name. Set name in [project] (Poetry 2) or in [tool.poetry] (Poetry 1). The project in "libs/broken" was skipped.',
      'Invalid TOML in "libs/bad-toml/pyproject.toml" at line 1, column 8 (invalid value). The project in "libs/bad-toml" was skipped.',
    ]);
    warn.mockRestore();
  });

  it('reports invalid plugin options', async () => {
    await expect(
      Promise.resolve().then(() =>
        createNodesFunction([], { lintTarget: 'check' } as never, context),
      ),
    ).rejects.toThrow(
      new Error(
        'The options of the "@mab/nx" plugin in nx.json are invalid. Correct or remove these options:\n✖ Unrecognized key: "lintTarget"',
      ),
    );
  });
});

describe('createInferredTargets with named inputs', () => {
  const pyproject = {
    name: 'orders-api',
    isPoetry: true,
    dependencyNames: ['fastapi'],
    pathDependencies: [],
  } as unknown as Parameters<typeof createInferredTargets>[0]['pyproject'];

  it('uses python and pythonTests from nx.json', () => {
    const targets = createInferredTargets({
      root: 'apps/orders',
      pyproject,
      image: { pythonVersion: '3.13' },
      options: DEFAULT_PLUGIN_OPTIONS,
      namedInputs: true,
    });
    expect(targets['test'].inputs).toEqual([
      'python',
      'pythonTests',
      '^python',
    ]);
    expect(targets['lint'].inputs).toEqual(['python', 'pythonTests']);
    expect(targets['docker-build'].inputs).toEqual([
      'python',
      '^python',
      '{projectRoot}/Dockerfile',
      '{projectRoot}/.dockerignore',
      { env: 'SOURCE_DATE_EPOCH' },
    ]);
  });

  it('detects the named inputs init adds', () => {
    expect(hasPythonNamedInputs({ python: [], pythonTests: [] })).toBe(true);
    expect(hasPythonNamedInputs({ python: [] })).toBe(false);
    expect(hasPythonNamedInputs(undefined)).toBe(false);
  });
});
