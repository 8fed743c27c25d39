import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphBuildContexts } from './graph-contexts';

const createdFolders: string[] = [];
afterAll(() =>
  createdFolders.forEach((folder) =>
    rmSync(folder, { recursive: true, force: true }),
  ),
);

function workspaceWith(pythonRoots: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'mab-graph-contexts-'));
  createdFolders.push(root);
  for (const project of pythonRoots) {
    mkdirSync(join(root, project), { recursive: true });
    writeFileSync(
      join(root, project, 'pyproject.toml'),
      '[project]\nname = "x"\n',
    );
  }
  return root;
}

const node = (name: string, root: string) => ({
  name,
  type: 'lib' as const,
  data: { root },
});
const edge = (source: string, target: string) => ({
  source,
  target,
  type: 'static' as const,
});

const GRAPH = {
  nodes: {
    a: node('a', 'apps/a'),
    shared: node('shared', 'libs/shared'),
    util: node('util', 'libs/util'),
    docs: node('docs', 'docs'),
  },
  dependencies: {
    a: [edge('a', 'shared'), edge('a', 'docs')],
    shared: [edge('shared', 'util')],
    util: [],
    docs: [],
  },
};

describe('graphBuildContexts', () => {
  it('names each Python library reached through the graph', () => {
    const root = workspaceWith(['apps/a', 'libs/shared', 'libs/util']);
    expect(graphBuildContexts(GRAPH, 'a', root)).toEqual({
      shared: join(root, 'libs/shared'),
      util: join(root, 'libs/util'),
    });
  });

  it('skips dependencies without pyproject.toml', () => {
    const root = workspaceWith(['apps/a', 'libs/shared', 'libs/util']);
    expect(Object.keys(graphBuildContexts(GRAPH, 'a', root))).not.toContain(
      'docs',
    );
  });

  it('returns nothing without a graph', () => {
    expect(graphBuildContexts(undefined, 'a', '/ws')).toEqual({});
  });
});
