import type {
  CreateDependenciesContext,
  FileData,
  ProjectGraph,
} from '@nx/devkit';
import { DependencyType, logger, validateDependency } from '@nx/devkit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  collectWorkspaceLibraries,
  createDependencies,
} from './create-dependencies';

jest.mock('@nx/devkit', () => {
  const devkit = jest.requireActual('@nx/devkit');
  return { ...devkit, validateDependency: jest.fn(devkit.validateDependency) };
});

type Files = Record<string, string>;

/** Writes the files into a new temporary workspace and returns a context with one project per root. */
function createContext(
  workspaceRoot: string,
  roots: Record<string, string>,
  files: Files,
): CreateDependenciesContext {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(workspaceRoot, file)), { recursive: true });
    writeFileSync(join(workspaceRoot, file), content);
  }
  const projectFileMap: Record<string, FileData[]> = {};
  for (const [name, root] of Object.entries(roots)) {
    projectFileMap[name] = Object.keys(files)
      .filter((file) => file.startsWith(`${root}/`))
      .map((file) => ({ file, hash: '1' }));
  }
  const fileMap = { projectFileMap, nonProjectFiles: [] };
  return {
    workspaceRoot,
    projects: Object.fromEntries(
      Object.entries(roots).map(([name, root]) => [name, { name, root }]),
    ),
    externalNodes: {},
    nxJsonConfiguration: {},
    fileMap,
    filesToProcess: fileMap,
  };
}

function edge(source: string, target: string, sourceFile: string) {
  return { source, target, sourceFile, type: DependencyType.static };
}

describe('createDependencies', () => {
  let workspaceRoot: string;
  let warn: jest.SpyInstance;

  beforeEach(() => {
    workspaceRoot = mkdtempSync(join(tmpdir(), 'mab-nx-deps-'));
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    warn.mockRestore();
    rmSync(workspaceRoot, { recursive: true, force: true });
  });

  it('adds edges for both Poetry forms', async () => {
    const context = createContext(
      workspaceRoot,
      { orders: 'apps/orders', shared: 'libs/shared', util: 'libs/util' },
      {
        'apps/orders/pyproject.toml': `
[project]
name = "orders"
dependencies = ["fastapi", "shared"]

[tool.poetry.dependencies]
shared = { path = "../../libs/shared", develop = true }
`,
        'libs/shared/pyproject.toml': `
[tool.poetry]
name = "shared"

[tool.poetry.group.dev.dependencies]
util = { path = "../util/" }
`,
        'libs/util/pyproject.toml': '[project]\nname = "util"\n',
      },
    );

    expect(await createDependencies(undefined, context)).toEqual([
      edge('orders', 'shared', 'apps/orders/pyproject.toml'),
      edge('shared', 'util', 'libs/shared/pyproject.toml'),
    ]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('adds edges for relative and absolute file URLs', async () => {
    const context = createContext(
      workspaceRoot,
      { orders: 'apps/orders', shared: 'libs/shared', util: 'libs/util' },
      {
        'apps/orders/pyproject.toml': `
[project]
name = "orders"
dependencies = ["shared @ file:../../libs/shared", "util @ file://${workspaceRoot}/libs/util"]
`,
        'libs/shared/pyproject.toml': '[project]\nname = "shared"\n',
        'libs/util/pyproject.toml': '[project]\nname = "util"\n',
      },
    );

    expect(await createDependencies(undefined, context)).toEqual([
      edge('orders', 'shared', 'apps/orders/pyproject.toml'),
      edge('orders', 'util', 'apps/orders/pyproject.toml'),
    ]);
  });

  it('resolves a wheel path by package name', async () => {
    const context = createContext(
      workspaceRoot,
      { orders: 'apps/orders', 'foo-lib': 'libs/foo' },
      {
        'apps/orders/pyproject.toml': `
[tool.poetry]
name = "orders"

[tool.poetry.dependencies]
foo_bar_baz = { path = "../../dist/foo_bar_baz-1.0-py3-none-any.whl" }
`,
        'libs/foo/pyproject.toml': '[project]\nname = "Foo_Bar.baz"\n',
      },
    );

    expect(await createDependencies(undefined, context)).toEqual([
      edge('orders', 'foo-lib', 'apps/orders/pyproject.toml'),
    ]);
  });

  it('warns about a path that is no project', async () => {
    const context = createContext(
      workspaceRoot,
      { orders: 'apps/orders', shared: 'libs/shared' },
      {
        'apps/orders/pyproject.toml': `
[tool.poetry]
name = "orders"

[tool.poetry.dependencies]
missing = { path = "../../libs/missing" }
shared = { path = "../../libs/shared" }
`,
        'libs/shared/pyproject.toml': '[project]\nname = "shared"\n',
      },
    );

    expect(await createDependencies(undefined, context)).toEqual([
      edge('orders', 'shared', 'apps/orders/pyproject.toml'),
    ]);
    expect(warn.mock.calls).toEqual([
      [
        'Skipped the dependency of project "orders" on "missing" declared in "apps/orders/pyproject.toml". ' +
          'Its path "../../libs/missing" resolves to "libs/missing", which is not the root of an Nx project, ' +
          'and no project has the package name "missing". Correct the path or create the project.',
      ],
    ]);
  });

  it('skips a broken pyproject and keeps other edges', async () => {
    const context = createContext(
      workspaceRoot,
      { orders: 'apps/orders', broken: 'libs/broken', shared: 'libs/shared' },
      {
        'apps/orders/pyproject.toml': `
[tool.poetry]
name = "orders"

[tool.poetry.dependencies]
shared = { path = "../../libs/shared" }
broken = { path = "../../libs/broken" }
`,
        'libs/broken/pyproject.toml': '[tool.poetry\nname = "broken"\n',
        'libs/shared/pyproject.toml': '[project]\nname = "shared"\n',
      },
    );

    expect(await createDependencies(undefined, context)).toEqual([
      edge('orders', 'shared', 'apps/orders/pyproject.toml'),
      edge('orders', 'broken', 'apps/orders/pyproject.toml'),
    ]);
    expect(warn.mock.calls).toEqual([
      [
        'Skipped the dependencies of project "broken" until its pyproject.toml is fixed. ' +
          'Invalid TOML in "libs/broken/pyproject.toml" at line 1, column 13 (illegal character in key).',
      ],
    ]);
  });

  it('ignores a pyproject that is not a project', async () => {
    const context = createContext(
      workspaceRoot,
      { tools: 'tools' },
      { 'tools/pyproject.toml': '[tool.ruff]\nline-length = 100\n' },
    );

    expect(await createDependencies(undefined, context)).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('parses only the files to process', async () => {
    const context = createContext(
      workspaceRoot,
      { orders: 'apps/orders', shared: 'libs/shared' },
      {
        'apps/orders/pyproject.toml':
          '[tool.poetry]\nname = "orders"\n[tool.poetry.dependencies]\nshared = { path = "../../libs/shared" }\n',
        'libs/shared/pyproject.toml': '[project]\nname = "shared"\n',
      },
    );

    const unchanged = {
      ...context,
      filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
    };

    expect(await createDependencies(undefined, unchanged)).toEqual([]);
  });

  it('warns when Nx rejects an edge', async () => {
    const context = createContext(
      workspaceRoot,
      { orders: 'apps/orders', shared: 'libs/shared' },
      {
        'apps/orders/pyproject.toml':
          '[tool.poetry]\nname = "orders"\n[tool.poetry.dependencies]\nshared = { path = "../../libs/shared" }\n',
        'libs/shared/pyproject.toml': '[project]\nname = "shared"\n',
      },
    );
    jest.mocked(validateDependency).mockImplementationOnce(() => {
      throw new Error('Target project does not exist: shared');
    });

    expect(await createDependencies(undefined, context)).toEqual([]);
    expect(warn.mock.calls).toEqual([
      [
        'Skipped the dependency of project "orders" on "shared" declared in "apps/orders/pyproject.toml" ' +
          'because Nx rejected it (Target project does not exist: shared).',
      ],
    ]);
  });
});

describe('collectWorkspaceLibraries', () => {
  function node(name: string, root: string) {
    return { name, type: 'lib' as const, data: { root } };
  }

  const graph: Pick<ProjectGraph, 'nodes' | 'dependencies'> = {
    nodes: {
      a: node('a', 'apps/a'),
      shared: node('shared', 'libs/shared'),
      util: node('util', 'libs/util'),
      other: node('other', 'libs/other'),
    },
    dependencies: {
      a: [
        { source: 'a', target: 'shared', type: 'static' },
        { source: 'a', target: 'npm:fastapi', type: 'static' },
      ],
      shared: [{ source: 'shared', target: 'util', type: 'static' }],
      util: [{ source: 'util', target: 'shared', type: 'static' }],
      other: [],
    },
  };

  it('collects libraries transitively', () => {
    expect(collectWorkspaceLibraries(graph, 'a')).toEqual([
      { projectName: 'shared', root: 'libs/shared' },
      { projectName: 'util', root: 'libs/util' },
    ]);
  });

  it('returns nothing for a project without dependencies', () => {
    expect(collectWorkspaceLibraries(graph, 'other')).toEqual([]);
  });

  it('stops at cycles', () => {
    expect(collectWorkspaceLibraries(graph, 'util')).toEqual([
      { projectName: 'shared', root: 'libs/shared' },
    ]);
  });
});
