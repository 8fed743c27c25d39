import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheServer } from './helpers/cache-server';
import { startCacheServer } from './helpers/cache-server';
import { describeWithEngine, runAndProbe } from './helpers/engine';
import { run, tryRun } from './helpers/run';
import type { TestWorkspace } from './helpers/workspace';
import { createTestWorkspace } from './helpers/workspace';

const NX_VERSION = '23.2.1';
const SERVICES = ['a', 'b', 'c'];
const GIT = ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e'];

/** Splits the docker-build tasks of an `nx affected` or `nx run` output into executed and cached ones. */
function readTaskOutcomes(output: string): {
  executed: string[];
  cached: string[];
} {
  const executed: string[] = [];
  const cached: string[] = [];
  for (const match of output.matchAll(
    /> nx run ([\w-]+):docker-build(?:[^\n[]*\[([^\]\n]+)\])?/g,
  )) {
    (match[2] && /cache/.test(match[2]) ? cached : executed).push(match[1]);
  }
  return {
    executed: [...new Set(executed)].sort(),
    cached: [...new Set(cached)].sort(),
  };
}

describeWithEngine()('nx affected and the cache for services a, b, c', () => {
  let workspace: TestWorkspace;
  let cache: CacheServer;
  let env: NodeJS.ProcessEnv;
  const containers: string[] = [];
  const clones: string[] = [];

  const nx = (
    args: string[],
    root = workspace.root,
    extraEnv: NodeJS.ProcessEnv = {},
  ) => {
    const result = tryRun(join(root, 'node_modules/.bin/nx'), args, {
      cwd: root,
      env: { ...env, ...extraEnv },
    });
    console.log(`$ nx ${args.join(' ')}\n${result.output}`);
    return result;
  };
  const git = (args: string[], cwd = workspace.root) =>
    run('git', [...GIT, ...args], { cwd, echo: false });
  const affected = () =>
    nx([
      'show',
      'projects',
      '--affected',
      '--withTarget=docker-build',
      '--json',
    ]).output.match(/\[.*\]/s)?.[0] ?? '[]';

  beforeAll(async () => {
    cache = await startCacheServer();
    workspace = createTestWorkspace(NX_VERSION);
    env = { ...workspace.env, ...cache.env };
    const generate = (args: string[]) => {
      const result = nx(['g', ...args, '--skipInstall', '--no-interactive']);
      expect(result.status).toBe(0);
    };
    generate(['@mab/nx:python-library', 'util']);
    generate(['@mab/nx:python-library', 'shared', '--dependencies=util']);
    generate(['@mab/nx:fastapi-service', 'a', '--dependencies=shared']);
    generate(['@mab/nx:fastapi-service', 'b', '--dependencies=shared']);
    generate(['@mab/nx:fastapi-service', 'c']);
    // This engine has no bridge network, so every build of this workspace uses the host's.
    const nxJson = JSON.parse(
      run('cat', [join(workspace.root, 'nx.json')], {
        cwd: workspace.root,
        echo: false,
      }),
    );
    nxJson.targetDefaults['@mab/nx:docker-build'].options.network = 'host';
    writeFileSync(
      join(workspace.root, 'nx.json'),
      JSON.stringify(nxJson, null, 2),
    );
    expect(nx(['run-many', '-t', 'lock', '-p', ...SERVICES]).status).toBe(0);
    appendFileSync(
      join(workspace.root, '.gitignore'),
      '\nnode_modules\ndist\n.nx\n',
    );
    writeFileSync(join(workspace.root, 'README.md'), '# e2e workspace\n');
    git(['add', '-A']);
    git([
      'commit',
      '--quiet',
      '-m',
      'Add services a, b, c and libraries shared, util',
    ]);
    const first = nx(['run-many', '-t', 'docker-build', '-p', ...SERVICES]);
    expect(first.status).toBe(0);
  });

  afterAll(() => {
    const cwd = tmpdir();
    containers.forEach((container) =>
      tryRun('docker', ['rm', '--force', container], { cwd }),
    );
    SERVICES.forEach((service) =>
      tryRun('docker', ['image', 'rm', '--force', `${service}:latest`], {
        cwd,
      }),
    );
    cache?.stop();
    workspace?.remove();
    clones.forEach((clone) => run('rm', ['-rf', clone], { cwd, echo: false }));
  });

  it('draws edges from Poetry path dependencies', () => {
    const graphFile = join(workspace.root, 'graph.json');
    expect(nx(['graph', `--file=${graphFile}`]).status).toBe(0);
    const graph = JSON.parse(
      run('cat', [graphFile], { cwd: workspace.root, echo: false }),
    ).graph;
    const targets = (project: string) =>
      graph.dependencies[project]
        .map((edge: { target: string }) => edge.target)
        .sort();
    expect(targets('a')).toEqual(['shared', 'util']);
    expect(targets('b')).toEqual(['shared', 'util']);
    expect(targets('c')).toEqual([]);
    expect(targets('shared')).toEqual(['util']);
  });

  it('infers the targets of a service without project.json', () => {
    rmSync(join(workspace.root, 'apps/c/project.json'));
    try {
      const result = nx(['show', 'project', 'c', '--json']);
      expect(result.status).toBe(0);
      const project = JSON.parse(result.output.match(/\{.*\}/s)?.[0] ?? '{}');
      expect(Object.keys(project.targets).sort()).toEqual([
        'docker-build',
        'docker-load',
        'format',
        'install',
        'lint',
        'lock',
        'serve',
        'test',
      ]);
    } finally {
      git(['checkout', '--', 'apps/c/project.json']);
    }
  });

  it.each([
    {
      name: "a's source",
      file: 'apps/a/src/a/main.py',
      affected: ['a'],
      rebuilt: ['a'],
    },
    {
      name: "util's source",
      file: 'libs/util/src/util/__init__.py',
      affected: ['a', 'b'],
      rebuilt: ['a', 'b'],
    },
    {
      name: "only b's test file",
      file: 'apps/b/tests/test_health.py',
      affected: ['b'],
      rebuilt: [],
    },
    {
      name: "c's Dockerfile",
      file: 'apps/c/Dockerfile',
      affected: ['c'],
      rebuilt: ['c'],
    },
    { name: 'the root README', file: 'README.md', affected: [], rebuilt: [] },
  ])(
    'rebuilds exactly what $name changes',
    ({ file, affected: expected, rebuilt }) => {
      appendFileSync(
        join(workspace.root, file),
        '\n# changed by the e2e test\n',
      );
      try {
        expect(JSON.parse(affected()).sort()).toEqual(expected);
        const result = nx([
          'affected',
          '-t',
          'docker-build',
          '--output-style=stream',
        ]);
        expect(result.status).toBe(0);
        const outcomes = readTaskOutcomes(result.output);
        expect(outcomes.executed).toEqual(rebuilt);
        expect(outcomes.cached).toEqual(
          expected.filter((project) => !rebuilt.includes(project)),
        );
      } finally {
        git(['checkout', '--', '.']);
      }
    },
  );

  it('replays an identical build from the cache', () => {
    const result = nx(['run', 'c:docker-build', '--output-style=stream']);
    expect(result.status).toBe(0);
    expect(readTaskOutcomes(result.output).cached).toEqual(['c']);
  });

  it('restores a runnable image on a second machine', async () => {
    const clone = mkdtempSync(join(tmpdir(), 'mab-nx-e2e-clone-'));
    clones.push(clone);
    run('git', ['clone', '--quiet', workspace.root, clone], { cwd: tmpdir() });
    run('npm', ['install', '--no-audit', '--no-fund'], { cwd: clone, env });
    SERVICES.forEach((service) =>
      tryRun('docker', ['image', 'rm', '--force', `${service}:latest`], {
        cwd: clone,
      }),
    );
    const downloadsBefore = cache
      .requests()
      .filter((line) => /^GET .* 200$/.test(line)).length;

    // Nx 23 shares its local cache between clones of one repository under
    // ~/.nx; a second machine has none, so this clone gets empty folders.
    const result = nx(
      ['run', 'a:docker-load', '--output-style=stream'],
      clone,
      {
        NX_CACHE_DIRECTORY: join(clone, '.nx-second-machine/cache'),
        NX_WORKSPACE_DATA_DIRECTORY: join(
          clone,
          '.nx-second-machine/workspace-data',
        ),
      },
    );

    expect(result.status).toBe(0);
    expect(result.output).toMatch(/nx run a:docker-build\s+\[remote cache\]/);
    expect(
      cache.requests().filter((line) => /^GET .* 200$/.test(line)).length,
    ).toBeGreaterThan(downloadsBefore);
    containers.push('mab-e2e-graph-a');
    const answer = await runAndProbe({
      image: 'a:latest',
      container: 'mab-e2e-graph-a',
      cwd: clone,
    });
    console.log(
      `[e2e] a:latest restored from the remote cache answered ${answer.status} ${answer.body}`,
    );
    expect(answer.body).toBe('{"status":"ok"}');
  });
});
