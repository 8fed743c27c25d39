import type { Tree } from '@nx/devkit';
import { readJson, readNxJson, readProjectConfiguration } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inferTargets } from '../../testing/infer-targets';
import { pythonLibraryGenerator } from '../python-library/python-library';
import { fastapiServiceGenerator } from './fastapi-service';
import {
  DEFAULT_PYTHON_VERSION,
  PYTHON_VERSIONS,
} from '../shared/python-project';
import { DEFAULT_PORT } from './lib/normalize-options';
import type { FastapiServiceGeneratorSchema } from './schema';

jest.mock('../../utils/exec', () => ({
  runCommand: jest.fn(async () => ({
    command: '',
    exitCode: 0,
    stdout: '',
    stderr: '',
    interrupted: false,
    notFound: false,
  })),
}));

const generate = (
  tree: Tree,
  options: Partial<FastapiServiceGeneratorSchema> = {},
) =>
  fastapiServiceGenerator(tree, {
    name: 'orders-api',
    skipInstall: true,
    skipFormat: true,
    ...options,
  });

describe('fastapi-service generator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('writes the service files', async () => {
    await generate(tree);
    for (const file of [
      'pyproject.toml',
      'poetry.toml',
      'README.md',
      '.gitignore',
      '.dockerignore',
      'Dockerfile',
      'src/orders_api/__init__.py',
      'src/orders_api/main.py',
      'src/orders_api/settings.py',
      '.python-version',
      'tests/__init__.py',
      'tests/conftest.py',
      'tests/test_health.py',
    ]) {
      expect(tree.exists(`apps/orders-api/${file}`)).toBe(true);
    }
  });

  it('registers the project without targets', async () => {
    await generate(tree, { tags: 'scope:orders, type:service' });
    const project = readProjectConfiguration(tree, 'orders-api');
    expect(project.root).toBe('apps/orders-api');
    expect(project.projectType).toBe('application');
    expect(project.tags).toEqual(['scope:orders', 'type:service']);
    expect(project.targets).toEqual({});
  });

  it('gets its targets from the graph plugin', async () => {
    await generate(tree, { port: 9100, pythonVersion: '3.12' });
    const targets = await inferTargets(tree, 'apps/orders-api');
    expect(Object.keys(targets)).toEqual([
      'lock',
      'install',
      'test',
      'lint',
      'format',
      'serve',
      'docker-build',
      'docker-load',
    ]);
    expect(targets['serve'].options.command).toBe(
      'poetry run uvicorn orders_api.main:app --reload --host 127.0.0.1 --port 9100',
    );
    expect(targets['docker-build'].options).toEqual({
      platforms: 'native',
      image: 'orders-api',
      file: 'apps/orders-api/Dockerfile',
      context: 'apps/orders-api',
      archive: true,
      variant: 'auto',
      pythonVersion: '3.12',
    });
    expect(targets['docker-build'].inputs).toEqual([
      'python',
      '^python',
      '{projectRoot}/Dockerfile',
      '{projectRoot}/.dockerignore',
      { env: 'SOURCE_DATE_EPOCH' },
    ]);
  });

  it('names the package, module and port', async () => {
    await generate(tree, { port: 9100 });
    const pyproject = tree.read('apps/orders-api/pyproject.toml', 'utf-8');
    const dockerfile = tree.read('apps/orders-api/Dockerfile', 'utf-8');
    expect(pyproject).toContain('name = "orders-api"');
    expect(pyproject).toContain(
      'packages = [{ include = "orders_api", from = "src" }]',
    );
    expect(pyproject).toContain('requires-poetry = ">=2.1,<3.0"');
    expect(pyproject).toContain('requires-python = ">=3.11,<4.0"');
    expect(dockerfile).toContain('UVICORN_PORT=9100');
    expect(dockerfile).toContain('EXPOSE 9100');
    expect(dockerfile).toContain(
      'CMD ["python", "-m", "uvicorn", "orders_api.main:app"]',
    );
    expect(dockerfile).toContain('ARG PYTHON_IMAGE=python:3.13-slim');
    expect(dockerfile).toContain('ARG PIP_INDEX_URL=https://pypi.org/simple');
    expect(dockerfile).not.toMatch(/^# syntax=/m);
  });

  it('accepts a Python version parsed as a number', async () => {
    await generate(tree, { pythonVersion: 3.12 });
    expect(tree.read('apps/orders-api/.python-version', 'utf-8')).toBe(
      '3.12\n',
    );
  });

  it('writes the Python version into the image and the target', async () => {
    await generate(tree, { pythonVersion: '3.12' });
    const dockerfile = tree.read('apps/orders-api/Dockerfile', 'utf-8');
    expect(dockerfile).toContain('ARG PYTHON_IMAGE=python:3.12-slim');
    expect(dockerfile).toContain('ARG PYTHON_VERSION=3.12');
    expect(tree.read('apps/orders-api/.python-version', 'utf-8')).toBe(
      '3.12\n',
    );
  });

  it('depends on workspace libraries and the libraries they use', async () => {
    await pythonLibraryGenerator(tree, {
      name: 'core',
      skipInstall: true,
      skipFormat: true,
    });
    await pythonLibraryGenerator(tree, {
      name: 'shared',
      dependencies: 'core',
      skipInstall: true,
      skipFormat: true,
    });
    await generate(tree, { dependencies: 'shared' });
    const pyproject = tree.read('apps/orders-api/pyproject.toml', 'utf-8');
    expect(pyproject).toContain('    "shared",\n    "core",\n]');
    expect(pyproject).toContain(
      '[tool.poetry.dependencies]\nshared = { path = "../../libs/shared", develop = true }\ncore = { path = "../../libs/core", develop = true }\n',
    );
    expect(pyproject).toContain(
      'known-first-party = ["orders_api", "shared", "core"]',
    );
  });

  it('copies each library from its named build context', async () => {
    await pythonLibraryGenerator(tree, {
      name: 'shared',
      skipInstall: true,
      skipFormat: true,
    });
    await generate(tree, { dependencies: 'shared' });
    const dockerfile = tree.read('apps/orders-api/Dockerfile', 'utf-8') ?? '';
    expect(dockerfile).toContain(
      'COPY --from=shared pyproject.toml /workspace/libs/shared/\nCOPY pyproject.toml poetry.lock ./',
    );
    expect(dockerfile).toContain(
      'COPY --from=shared src /workspace/libs/shared/src',
    );
    expect(dockerfile).toContain(
      'poetry --directory /workspace/libs/shared build --format wheel --output /dist \\\n    && poetry --directory /workspace/apps/orders-api build',
    );
  });

  it('reads a library listed in an array', async () => {
    await pythonLibraryGenerator(tree, {
      name: 'shared',
      skipInstall: true,
      skipFormat: true,
    });
    await generate(tree, { dependencies: [' shared ', 'shared'] });
    expect(tree.read('apps/orders-api/pyproject.toml', 'utf-8')).toContain(
      'shared = { path = "../../libs/shared", develop = true }',
    );
  });

  it('lists the existing libraries for an unknown one', async () => {
    await pythonLibraryGenerator(tree, {
      name: 'shared',
      skipInstall: true,
      skipFormat: true,
    });
    await pythonLibraryGenerator(tree, {
      name: 'billing',
      skipInstall: true,
      skipFormat: true,
    });
    await expect(generate(tree, { dependencies: 'shraed' })).rejects.toThrow(
      'Unknown library "shraed": no project of that name has a pyproject.toml. Create it with "nx g @mab/nx:python-library shraed" or pass one of: billing, shared.',
    );
  });

  it('writes cross and emulated stages, emulated last', async () => {
    await generate(tree);
    const dockerfile = tree.read('apps/orders-api/Dockerfile', 'utf-8') ?? '';
    const stages = [...dockerfile.matchAll(/^FROM .* AS (\S+)$/gm)].map(
      (match) => match[1],
    );
    expect(stages).toEqual([
      'poetry',
      'requirements',
      'wheels',
      'users',
      'cross-venv',
      'emulated-venv',
      'runtime',
      'cross',
      'emulated',
    ]);
    expect(dockerfile).toMatch(
      /^FROM --platform=\$BUILDPLATFORM \$\{PYTHON_IMAGE\} AS cross-venv$/m,
    );
    expect(dockerfile).toContain('--only-binary=:all:');
    expect(dockerfile).toContain('--implementation cp');
    expect(dockerfile).toContain('--mount=type=cache,target=/root/.cache/pip');
    expect(dockerfile).toContain(
      '--mount=type=cache,target=/root/.cache/pypoetry,sharing=locked',
    );
    expect(dockerfile).toContain('HEALTHCHECK');
    expect(dockerfile).toContain('USER 10001:10001');
  });

  it('runs nothing in the target-platform stages of the cross variant', async () => {
    await generate(tree);
    const dockerfile = tree.read('apps/orders-api/Dockerfile', 'utf-8') ?? '';
    const stageText = (name: string) =>
      dockerfile
        .split(/^(?=FROM )/m)
        .find((stage) => stage.match(new RegExp(` AS ${name}\\n`))) ?? '';
    for (const stage of ['runtime', 'cross']) {
      expect(stageText(stage)).not.toMatch(/^RUN /m);
    }
    expect(stageText('runtime')).toContain(
      'COPY --from=users /etc/passwd /etc/group /etc/',
    );
  });

  it('installs the dependency layer before the code', async () => {
    await generate(tree);
    const dockerfile = tree.read('apps/orders-api/Dockerfile', 'utf-8') ?? '';
    const crossVenv = dockerfile.slice(
      dockerfile.indexOf('AS cross-venv'),
      dockerfile.indexOf('AS emulated-venv'),
    );
    expect(crossVenv.indexOf('-r /tmp/requirements.txt')).toBeLessThan(
      crossVenv.indexOf('COPY --from=wheels /dist'),
    );
    const requirements = dockerfile.slice(
      dockerfile.indexOf('AS requirements'),
      dockerfile.indexOf('AS wheels'),
    );
    expect(requirements).not.toContain('COPY src');
  });

  it('places the service in a custom directory', async () => {
    await generate(tree, { directory: 'services/orders' });
    expect(tree.exists('services/orders/pyproject.toml')).toBe(true);
    expect(readProjectConfiguration(tree, 'orders-api').root).toBe(
      'services/orders',
    );
  });

  it('runs init once', async () => {
    await generate(tree);
    expect(readNxJson(tree)?.plugins).toEqual(['@mab/nx']);
    expect(tree.read('.gitignore', 'utf-8')).toContain('.venv/');
  });

  it.each([
    {
      name: 'uppercase letters',
      options: { name: 'Orders' },
      message:
        'Invalid service name "Orders": use lowercase letters, digits and single hyphens, starting with a letter, for example "orders-api".',
    },
    {
      name: 'a space',
      options: { name: 'orders api' },
      message:
        'Invalid service name "orders api": use lowercase letters, digits and single hyphens, starting with a letter, for example "orders-api".',
    },
    {
      name: 'a leading digit',
      options: { name: '1api' },
      message:
        'Invalid service name "1api": use lowercase letters, digits and single hyphens, starting with a letter, for example "orders-api".',
    },
    {
      name: 'a path segment',
      options: { name: 'apps/api' },
      message:
        'Invalid service name "apps/api": use lowercase letters, digits and single hyphens, starting with a letter, for example "orders-api".',
    },
    {
      name: 'a Python keyword',
      options: { name: 'import' },
      message:
        'Invalid service name "import": "import" is a Python keyword and cannot name a module. Choose another name, for example "import-service".',
    },
    {
      name: 'a standard library module',
      options: { name: 'json' },
      message:
        'Invalid service name "json": the module "json" would shadow the standard library or a dependency of the same name. Choose another name, for example "json-service".',
    },
    {
      name: 'a dependency',
      options: { name: 'fastapi' },
      message:
        'Invalid service name "fastapi": the module "fastapi" would shadow the standard library or a dependency of the same name. Choose another name, for example "fastapi-service".',
    },
    {
      name: 'a port out of range',
      options: { port: 70000 },
      message: 'Invalid port "70000": use a whole number from 1 to 65535.',
    },
    {
      name: 'an unsupported Python version',
      options: { pythonVersion: '3.9' as never },
      message:
        'Invalid Python version "3.9": use one of 3.11, 3.12, 3.13, 3.14.',
    },
    {
      name: 'an unknown library',
      options: { dependencies: 'missing-lib' },
      message:
        'Unknown library "missing-lib": no project of that name has a pyproject.toml. Create it with "nx g @mab/nx:python-library missing-lib".',
    },
    {
      name: 'a port of zero',
      options: { port: 0 },
      message: 'Invalid port "0": use a whole number from 1 to 65535.',
    },
    {
      name: 'a fractional port',
      options: { port: 80.5 },
      message: 'Invalid port "80.5": use a whole number from 1 to 65535.',
    },
    {
      name: 'a directory outside the workspace',
      options: { directory: '../elsewhere' },
      message:
        'Invalid directory "../elsewhere": it must be a relative path inside the workspace, for example "apps/orders-api".',
    },
  ])('rejects $name before writing', async ({ options, message }) => {
    const before = tree.listChanges().length;
    await expect(generate(tree, options)).rejects.toThrow(message);
    expect(tree.listChanges()).toHaveLength(before);
  });

  it('reports every problem at once', async () => {
    await expect(generate(tree, { name: 'Bad', port: 0 })).rejects.toThrow(
      'Invalid service name "Bad": use lowercase letters, digits and single hyphens, starting with a letter, for example "orders-api".\nInvalid port "0": use a whole number from 1 to 65535.',
    );
  });

  it('keeps an existing directory untouched', async () => {
    tree.write('apps/orders-api/main.py', 'user code\n');
    await expect(generate(tree)).rejects.toThrow(
      'The directory "apps/orders-api" already exists, and its files are never overwritten. Pass --directory with a new folder or remove the existing one.',
    );
    expect(tree.read('apps/orders-api/main.py', 'utf-8')).toBe('user code\n');
  });

  it('changes nothing on a second run', async () => {
    await generate(tree);
    const snapshot = tree
      .listChanges()
      .map((change) => [change.path, change.content?.toString()]);
    await expect(generate(tree)).rejects.toThrow(
      'The directory "apps/orders-api" already exists',
    );
    expect(
      tree
        .listChanges()
        .map((change) => [change.path, change.content?.toString()]),
    ).toEqual(snapshot);
  });

  it('refuses a second run with the same name', async () => {
    await generate(tree);
    const pyproject = tree.read('apps/orders-api/pyproject.toml', 'utf-8');
    await expect(generate(tree, { directory: 'apps/other' })).rejects.toThrow(
      'A project named "orders-api" already exists. Choose another name.',
    );
    expect(tree.read('apps/orders-api/pyproject.toml', 'utf-8')).toBe(
      pyproject,
    );
    expect(tree.exists('apps/other')).toBe(false);
  });

  it('keeps schema defaults equal to the constants', () => {
    const schema = JSON.parse(
      readFileSync(join(__dirname, 'schema.json'), 'utf-8'),
    );
    expect(schema.properties.port.default).toBe(DEFAULT_PORT);
    expect(schema.properties.pythonVersion.default).toBe(
      DEFAULT_PYTHON_VERSION,
    );
    expect(schema.properties.pythonVersion.anyOf[0].enum).toEqual(
      PYTHON_VERSIONS,
    );
    expect(schema.properties.pythonVersion.anyOf[1].enum).toEqual(
      PYTHON_VERSIONS.map(Number),
    );
    expect(schema.properties.skipInstall.default).toBe(false);
    expect(schema.properties.skipFormat.default).toBe(false);
  });

  it('keeps schema.json keys in step with schema.d.ts', () => {
    const schema = JSON.parse(
      readFileSync(join(__dirname, 'schema.json'), 'utf-8'),
    );
    const fixture: Required<FastapiServiceGeneratorSchema> = {
      name: 'a',
      directory: 'a',
      port: 1,
      pythonVersion: '3.13',
      tags: '',
      dependencies: '',
      skipInstall: true,
      skipFormat: true,
    };
    expect(Object.keys(schema.properties).sort()).toEqual(
      Object.keys(fixture).sort(),
    );
    for (const property of Object.values<{ description?: string }>(
      schema.properties,
    )) {
      expect(property.description).toEqual(expect.any(String));
    }
  });

  it('runs poetry lock and sync unless skipInstall', async () => {
    const { runCommand } = jest.requireMock('../../utils/exec');
    runCommand.mockClear();
    const install = await generate(tree, { skipInstall: false });
    await install();
    expect(
      runCommand.mock.calls.map((call: unknown[]) => [call[0], call[1]]),
    ).toEqual([
      ['poetry', ['lock']],
      ['poetry', ['sync']],
    ]);
  });

  it('explains a missing Poetry', async () => {
    const { runCommand } = jest.requireMock('../../utils/exec');
    runCommand.mockResolvedValueOnce({
      command: 'poetry lock',
      exitCode: 1,
      stdout: '',
      stderr: '',
      interrupted: false,
      notFound: true,
    });
    const install = await generate(tree, { skipInstall: false });
    await expect(install()).rejects.toThrow(
      'Poetry was not found on PATH, so "apps/orders-api" was generated without poetry.lock. Install Poetry 2 (pipx install poetry), then run "nx run orders-api:lock" and "nx run orders-api:install".',
    );
  });

  it('adds no npm dependencies', async () => {
    await generate(tree);
    expect(readJson(tree, 'package.json').dependencies ?? {}).toEqual({});
  });
});
