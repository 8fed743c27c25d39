import type { Tree } from '@nx/devkit';
import { readNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { initGenerator } from './init';

describe('init generator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('adds Python ignores to .gitignore', async () => {
    tree.write('.gitignore', 'node_modules\n');
    await initGenerator(tree, { skipFormat: true });
    expect(tree.read('.gitignore', 'utf-8')).toBe(
      'node_modules\n\n# Python (@mab/nx)\n.venv/\n__pycache__/\n.pytest_cache/\n.ruff_cache/\n/dist\n/.nx/cache\n/.nx/workspace-data\n',
    );
  });

  it('registers the graph plugin', async () => {
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)?.plugins).toEqual(['@mab/nx']);
  });

  it('keeps a registration with options', async () => {
    const nxJson = readNxJson(tree) ?? {};
    const entry = { plugin: '@mab/nx', options: { testTargetName: 'pytest' } };
    tree.write('nx.json', JSON.stringify({ ...nxJson, plugins: [entry] }));
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)?.plugins).toEqual([entry]);
  });

  it('adds the Python named inputs', async () => {
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)?.namedInputs?.['python']).toEqual([
      '{projectRoot}/src/**/*',
      '{projectRoot}/pyproject.toml',
      '{projectRoot}/poetry.lock',
    ]);
    expect(readNxJson(tree)?.namedInputs?.['pythonTests']).toEqual([
      '{projectRoot}/tests/**/*',
    ]);
  });

  it('makes docker-build cached and restorable', async () => {
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)?.targetDefaults?.['@mab/nx:docker-build']).toEqual({
      cache: true,
      outputs: ['{workspaceRoot}/dist/docker/{projectRoot}'],
      options: { archive: true },
    });
  });

  it('keeps a user named input', async () => {
    const nxJson = readNxJson(tree) ?? {};
    tree.write(
      'nx.json',
      JSON.stringify({
        ...nxJson,
        namedInputs: { python: ['{projectRoot}/app/**/*'] },
      }),
    );
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)?.namedInputs?.['python']).toEqual([
      '{projectRoot}/app/**/*',
    ]);
  });

  it('keeps a user target default', async () => {
    const nxJson = readNxJson(tree) ?? {};
    tree.write(
      'nx.json',
      JSON.stringify({
        ...nxJson,
        targetDefaults: { '@mab/nx:docker-build': { cache: false } },
      }),
    );
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)?.targetDefaults?.['@mab/nx:docker-build']).toEqual({
      cache: false,
    });
  });

  it('changes nothing on a second run', async () => {
    await initGenerator(tree, { skipFormat: true });
    const gitignore = tree.read('.gitignore', 'utf-8');
    const nxJson = tree.read('nx.json', 'utf-8');
    await initGenerator(tree, { skipFormat: true });
    expect(tree.read('.gitignore', 'utf-8')).toBe(gitignore);
    expect(tree.read('nx.json', 'utf-8')).toBe(nxJson);
  });
});
