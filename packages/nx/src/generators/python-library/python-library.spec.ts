import type { Tree } from '@nx/devkit';
import { readProjectConfiguration } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_PYTHON_VERSION,
  PYTHON_VERSIONS,
} from '../shared/python-project';
import { inferTargets } from '../../testing/infer-targets';
import { pythonLibraryGenerator } from './python-library';
import type { PythonLibraryGeneratorSchema } from './schema';

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
  options: Partial<PythonLibraryGeneratorSchema> = {},
) =>
  pythonLibraryGenerator(tree, {
    name: 'shared-models',
    skipInstall: true,
    skipFormat: true,
    ...options,
  });

const NAME_RULE =
  'use lowercase letters, digits and single hyphens, starting with a letter, for example "shared-models".';

describe('python-library generator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('writes the library files', async () => {
    await generate(tree);
    for (const file of [
      'pyproject.toml',
      'poetry.toml',
      'README.md',
      '.gitignore',
      '.dockerignore',
      '.python-version',
      'src/shared_models/__init__.py',
      'src/shared_models/py.typed',
      'tests/__init__.py',
      'tests/test_shared_models.py',
    ]) {
      expect(tree.exists(`libs/shared-models/${file}`)).toBe(true);
    }
    expect(tree.exists('libs/shared-models/Dockerfile')).toBe(false);
  });

  it('registers the project without targets', async () => {
    await generate(tree, { tags: 'scope:shared' });
    const project = readProjectConfiguration(tree, 'shared-models');
    expect(project.projectType).toBe('library');
    expect(project.tags).toEqual(['scope:shared']);
    expect(project.targets).toEqual({});
  });

  it('gets Poetry targets from the graph plugin', async () => {
    await generate(tree);
    const targets = await inferTargets(tree, 'libs/shared-models');
    expect(Object.keys(targets)).toEqual([
      'lock',
      'install',
      'test',
      'lint',
      'format',
    ]);
    expect(targets['test'].options).toEqual({
      command: 'poetry run pytest',
      cwd: 'libs/shared-models',
    });
    expect(targets['test'].inputs).toEqual([
      'python',
      'pythonTests',
      '^python',
    ]);
  });

  it('writes a Poetry 2 pyproject.toml', async () => {
    await generate(tree);
    const pyproject = tree.read('libs/shared-models/pyproject.toml', 'utf-8');
    expect(pyproject).toContain('[project]\nname = "shared-models"');
    expect(pyproject).toContain('requires-python = ">=3.11,<4.0"');
    expect(pyproject).toContain('requires-poetry = ">=2.1,<3.0"');
    expect(pyproject).toContain(
      'packages = [{ include = "shared_models", from = "src" }]',
    );
    expect(pyproject).toContain(
      '[tool.poetry.group.dev.dependencies]\npytest = "^8.4.2"\nruff = "^0.14.3"',
    );
    expect(pyproject).not.toContain('[tool.poetry.dependencies]');
  });

  it('depends on another library by name and path', async () => {
    await generate(tree, { name: 'core' });
    await generate(tree, { dependencies: 'core' });
    const pyproject = tree.read('libs/shared-models/pyproject.toml', 'utf-8');
    expect(pyproject).toContain('dependencies = [\n    "core",\n]');
    expect(pyproject).toContain(
      '[tool.poetry.dependencies]\ncore = { path = "../core", develop = true }',
    );
  });

  it('writes the Python version to .python-version', async () => {
    await generate(tree, { pythonVersion: '3.14' });
    expect(tree.read('libs/shared-models/.python-version', 'utf-8')).toBe(
      '3.14\n',
    );
  });

  it('places the library in a custom directory', async () => {
    await generate(tree, { directory: 'packages/py/models/' });
    expect(readProjectConfiguration(tree, 'shared-models').root).toBe(
      'packages/py/models',
    );
    expect(
      tree.exists('packages/py/models/src/shared_models/__init__.py'),
    ).toBe(true);
  });

  it.each([
    {
      name: 'uppercase letters',
      options: { name: 'Models' },
      message: `Invalid library name "Models": ${NAME_RULE}`,
    },
    {
      name: 'a space',
      options: { name: 'my lib' },
      message: `Invalid library name "my lib": ${NAME_RULE}`,
    },
    {
      name: 'a leading digit',
      options: { name: '2fa' },
      message: `Invalid library name "2fa": ${NAME_RULE}`,
    },
    {
      name: 'a path segment',
      options: { name: 'libs/models' },
      message: `Invalid library name "libs/models": ${NAME_RULE}`,
    },
    {
      name: 'a double hyphen',
      options: { name: 'a--b' },
      message: `Invalid library name "a--b": ${NAME_RULE}`,
    },
    {
      name: 'an empty name',
      options: { name: '' },
      message: `Invalid library name "": ${NAME_RULE}`,
    },
    {
      name: 'a Python keyword',
      options: { name: 'class' },
      message:
        'Invalid library name "class": "class" is a Python keyword and cannot name a module. Choose another name, for example "class-library".',
    },
    {
      name: 'a soft keyword',
      options: { name: 'match' },
      message:
        'Invalid library name "match": "match" is a Python keyword and cannot name a module. Choose another name, for example "match-library".',
    },
    {
      name: 'an unsupported Python version',
      options: { pythonVersion: '2.7' as never },
      message:
        'Invalid Python version "2.7": use one of 3.11, 3.12, 3.13, 3.14.',
    },
    {
      name: 'an unknown library',
      options: { dependencies: 'nope' },
      message:
        'Unknown library "nope": no project of that name has a pyproject.toml. Create it with "nx g @mab/nx:python-library nope".',
    },
    {
      name: 'an absolute directory',
      options: { directory: '/srv/lib' },
      message:
        'Invalid directory "/srv/lib": it must be a relative path inside the workspace, for example "libs/shared-models".',
    },
  ])('rejects $name before writing', async ({ options, message }) => {
    const before = tree.listChanges().length;
    await expect(generate(tree, options)).rejects.toThrow(message);
    expect(tree.listChanges()).toHaveLength(before);
  });

  it('rejects a project without pyproject.toml as a library', async () => {
    tree.write(
      'apps/web/project.json',
      JSON.stringify({ name: 'web', root: 'apps/web' }),
    );
    await expect(generate(tree, { dependencies: 'web' })).rejects.toThrow(
      'Unknown library "web": no project of that name has a pyproject.toml. Create it with "nx g @mab/nx:python-library web".',
    );
  });

  it('rejects an application as a library', async () => {
    tree.write(
      'apps/api/project.json',
      JSON.stringify({
        name: 'api',
        root: 'apps/api',
        projectType: 'application',
      }),
    );
    tree.write('apps/api/pyproject.toml', '[project]\nname = "api"\n');
    await expect(generate(tree, { dependencies: 'api' })).rejects.toThrow(
      '"api" is an application, not a library, so nothing can depend on it. Move the shared code into a library ("nx g @mab/nx:python-library api-core") and depend on that.',
    );
  });

  it('rejects a folder inside another project', async () => {
    tree.write(
      'apps/api/project.json',
      JSON.stringify({ name: 'api', root: 'apps/api' }),
    );
    await expect(
      generate(tree, { directory: 'apps/api/inner' }),
    ).rejects.toThrow(
      'The directory "apps/api/inner" is inside the project "api" ("apps/api"), whose files and targets would overlap with it. Choose a folder outside every project, for example "libs/inner".',
    );
    expect(tree.exists('apps/api/inner')).toBe(false);
  });

  it('rejects a tag with a space', async () => {
    await expect(
      generate(tree, { tags: 'scope:shared, type lib' }),
    ).rejects.toThrow(
      'Invalid tag "type lib": tags cannot contain spaces. Separate tags with commas, for example "scope:orders,type:service".',
    );
  });

  it('reports every problem at once', async () => {
    await expect(
      generate(tree, { name: 'Bad', dependencies: 'x,y' }),
    ).rejects.toThrow(
      [
        `Invalid library name "Bad": ${NAME_RULE}`,
        'Unknown library "x": no project of that name has a pyproject.toml. Create it with "nx g @mab/nx:python-library x".',
        'Unknown library "y": no project of that name has a pyproject.toml. Create it with "nx g @mab/nx:python-library y".',
      ].join('\n'),
    );
  });

  it('keeps an existing directory untouched', async () => {
    tree.write('libs/shared-models/notes.txt', 'mine\n');
    await expect(generate(tree)).rejects.toThrow(
      'The directory "libs/shared-models" already exists, and its files are never overwritten. Pass --directory with a new folder or remove the existing one.',
    );
    expect(tree.read('libs/shared-models/notes.txt', 'utf-8')).toBe('mine\n');
    expect(tree.exists('libs/shared-models/pyproject.toml')).toBe(false);
  });

  it('changes nothing on a second run', async () => {
    await generate(tree);
    const snapshot = tree
      .listChanges()
      .map((change) => [change.path, change.content?.toString()]);
    await expect(generate(tree)).rejects.toThrow(
      'The directory "libs/shared-models" already exists',
    );
    expect(
      tree
        .listChanges()
        .map((change) => [change.path, change.content?.toString()]),
    ).toEqual(snapshot);
  });

  it('keeps schema.json in step with the constants and schema.d.ts', () => {
    const schema = JSON.parse(
      readFileSync(join(__dirname, 'schema.json'), 'utf-8'),
    );
    expect(schema.properties.pythonVersion.default).toBe(
      DEFAULT_PYTHON_VERSION,
    );
    expect(schema.properties.pythonVersion.anyOf[0].enum).toEqual(
      PYTHON_VERSIONS,
    );
    expect(schema.properties.pythonVersion.anyOf[1].enum).toEqual(
      PYTHON_VERSIONS.map(Number),
    );
    const fixture: Required<PythonLibraryGeneratorSchema> = {
      name: 'a',
      directory: 'a',
      pythonVersion: '3.13',
      tags: '',
      dependencies: '',
      skipInstall: true,
      skipFormat: true,
    };
    expect(Object.keys(schema.properties).sort()).toEqual(
      Object.keys(fixture).sort(),
    );
    expect(schema.properties.name['x-prompt']).toBe(
      'What name would you like to use for the library?',
    );
  });

  it('runs poetry lock and sync in the library unless skipInstall', async () => {
    const { runCommand } = jest.requireMock('../../utils/exec');
    runCommand.mockClear();
    const install = await generate(tree, { skipInstall: false });
    await install();
    expect(
      runCommand.mock.calls.map((call: unknown[]) => [
        call[0],
        call[1],
        (call[2] as { cwd: string }).cwd,
      ]),
    ).toEqual([
      ['poetry', ['lock'], `${tree.root}/libs/shared-models`],
      ['poetry', ['sync'], `${tree.root}/libs/shared-models`],
    ]);
  });

  it('explains a failed poetry lock', async () => {
    const { runCommand } = jest.requireMock('../../utils/exec');
    runCommand.mockResolvedValueOnce({
      command: 'poetry lock',
      exitCode: 1,
      stdout: '',
      stderr: '',
      interrupted: false,
      notFound: false,
    });
    const install = await generate(tree, { skipInstall: false });
    await expect(install()).rejects.toThrow(
      '"poetry lock" failed in "libs/shared-models" with exit code 1. Fix the error above, then run "nx run shared-models:lock".',
    );
  });

  it('formats the files unless skipFormat', async () => {
    await generate(tree, { skipFormat: false });
    expect(tree.exists('libs/shared-models/pyproject.toml')).toBe(true);
  });
});
