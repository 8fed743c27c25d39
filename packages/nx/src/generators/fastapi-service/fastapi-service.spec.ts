import type { Tree } from '@nx/devkit';
import { readJson, readNxJson, readProjectConfiguration } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fastapiServiceGenerator } from './fastapi-service';
import { DEFAULT_PORT } from './lib/normalize-options';
import type { FastapiServiceGeneratorSchema } from './schema';

jest.mock('../../utils/exec', () => ({
  runCommand: jest.fn(async () => ({ command: '', exitCode: 0, stdout: '', stderr: '', interrupted: false, notFound: false })),
}));

const generate = (tree: Tree, options: Partial<FastapiServiceGeneratorSchema> = {}) =>
  fastapiServiceGenerator(tree, { name: 'orders-api', skipInstall: true, skipFormat: true, ...options });

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
      'tests/__init__.py',
      'tests/test_health.py',
    ]) {
      expect(tree.exists(`apps/orders-api/${file}`)).toBe(true);
    }
  });

  it('registers the project with its targets', async () => {
    await generate(tree, { tags: 'scope:orders, type:service' });
    const project = readProjectConfiguration(tree, 'orders-api');
    const poetry = (command: string) => ({ command, cwd: 'apps/orders-api' });
    const codeInputs = ['{projectRoot}/src/**/*', '{projectRoot}/pyproject.toml', '{projectRoot}/poetry.lock', '{projectRoot}/tests/**/*'];
    expect(project.root).toBe('apps/orders-api');
    expect(project.tags).toEqual(['scope:orders', 'type:service']);
    expect(project.targets).toEqual({
      lock: {
        executor: 'nx:run-commands',
        options: poetry('poetry lock'),
        inputs: ['{projectRoot}/pyproject.toml'],
        outputs: ['{projectRoot}/poetry.lock'],
      },
      install: { executor: 'nx:run-commands', options: poetry('poetry sync') },
      serve: {
        executor: 'nx:run-commands',
        options: poetry('poetry run uvicorn orders_api.main:app --reload --port 8000'),
        continuous: true,
      },
      test: { executor: 'nx:run-commands', options: poetry('poetry run pytest'), cache: true, inputs: codeInputs },
      lint: { executor: 'nx:run-commands', options: poetry('poetry run ruff check .'), cache: true, inputs: codeInputs },
      format: { executor: 'nx:run-commands', options: poetry('poetry run ruff format .') },
      'docker-build': {
        executor: '@mab/nx:docker-build',
        options: {
          platforms: 'native',
          image: 'orders-api',
          file: 'apps/orders-api/Dockerfile',
          context: 'apps/orders-api',
        },
      },
    });
  });

  it('names the package, module and port', async () => {
    await generate(tree, { port: 9100 });
    const pyproject = tree.read('apps/orders-api/pyproject.toml', 'utf-8');
    const dockerfile = tree.read('apps/orders-api/Dockerfile', 'utf-8');
    expect(pyproject).toContain('name = "orders-api"');
    expect(pyproject).toContain('packages = [{ include = "orders_api", from = "src" }]');
    expect(pyproject).toContain('requires-poetry = ">=2.0"');
    expect(dockerfile).toContain('UVICORN_PORT=9100');
    expect(dockerfile).toContain('CMD ["uvicorn", "orders_api.main:app"]');
    expect(dockerfile).toContain('ARG PYTHON_IMAGE=python:3.13-slim');
    expect(dockerfile).toContain('ARG PIP_INDEX_URL=https://pypi.org/simple');
    expect(dockerfile).not.toMatch(/^# syntax=/m);
  });

  it('places the service in a custom directory', async () => {
    await generate(tree, { directory: 'services/orders' });
    expect(tree.exists('services/orders/pyproject.toml')).toBe(true);
    expect(readProjectConfiguration(tree, 'orders-api').root).toBe('services/orders');
  });

  it('runs init once', async () => {
    await generate(tree);
    expect(readNxJson(tree)?.targetDefaults?.['@mab/nx:docker-build']).toEqual({ cache: false });
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
      name: 'a port out of range',
      options: { port: 70000 },
      message: 'Invalid port "70000": use a whole number from 1 to 65535.',
    },
    {
      name: 'a directory outside the workspace',
      options: { directory: '../elsewhere' },
      message: 'Invalid directory "../elsewhere": it must be a relative path inside the workspace, for example "apps/orders-api".',
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

  it('refuses a second run with the same name', async () => {
    await generate(tree);
    const pyproject = tree.read('apps/orders-api/pyproject.toml', 'utf-8');
    await expect(generate(tree, { directory: 'apps/other' })).rejects.toThrow(
      'A project named "orders-api" already exists. Choose another name.',
    );
    expect(tree.read('apps/orders-api/pyproject.toml', 'utf-8')).toBe(pyproject);
    expect(tree.exists('apps/other')).toBe(false);
  });

  it('keeps schema defaults equal to the constants', () => {
    const schema = JSON.parse(readFileSync(join(__dirname, 'schema.json'), 'utf-8'));
    expect(schema.properties.port.default).toBe(DEFAULT_PORT);
  });

  it('runs poetry lock and sync unless skipInstall', async () => {
    const { runCommand } = jest.requireMock('../../utils/exec');
    runCommand.mockClear();
    const install = await generate(tree, { skipInstall: false });
    await install();
    expect(runCommand.mock.calls.map((call: unknown[]) => [call[0], call[1]])).toEqual([
      ['poetry', ['lock']],
      ['poetry', ['sync']],
    ]);
  });

  it('explains a missing Poetry', async () => {
    const { runCommand } = jest.requireMock('../../utils/exec');
    runCommand.mockResolvedValueOnce({ command: 'poetry lock', exitCode: 1, stdout: '', stderr: '', interrupted: false, notFound: true });
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
