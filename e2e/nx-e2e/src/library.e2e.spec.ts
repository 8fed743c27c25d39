import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeWithEngine,
  runAndProbe,
  inspectPlatform,
} from './helpers/engine';
import { run, tryRun } from './helpers/run';
import type { TestWorkspace } from './helpers/workspace';
import { createTestWorkspace, uniq } from './helpers/workspace';

const NX_VERSION = '23.2.1';
const PLATFORMS = ['amd64', 'arm64'] as const;

describeWithEngine()(
  'python-library used by a fastapi-service, cross-built for amd64 and arm64',
  () => {
    const library = uniq('shared');
    const service = uniq('orders');
    const tag = 'e2e';
    const containers: string[] = [];
    let workspace: TestWorkspace;

    beforeAll(() => {
      workspace = createTestWorkspace(NX_VERSION);
    });

    afterAll(() => {
      const cwd = process.cwd();
      for (const container of containers) {
        tryRun('docker', ['rm', '--force', container], { cwd });
      }
      for (const platform of PLATFORMS) {
        tryRun(
          'docker',
          ['image', 'rm', '--force', `${service}:${tag}-${platform}`],
          { cwd },
        );
      }
      workspace?.remove();
    });

    it('writes nothing with --dry-run', () => {
      const output = workspace.nx([
        'g',
        '@mab/nx:python-library',
        library,
        '--dry-run',
        '--no-interactive',
      ]);
      expect(output).toContain(`CREATE libs/${library}/pyproject.toml`);
      expect(existsSync(join(workspace.root, 'libs', library))).toBe(false);
    });

    it('generates the library and locks it with Poetry', () => {
      workspace.nx([
        'g',
        '@mab/nx:python-library',
        library,
        '--no-interactive',
      ]);
      const root = join(workspace.root, 'libs', library);
      expect(existsSync(join(root, 'poetry.lock'))).toBe(true);
      expect(existsSync(join(root, '.venv'))).toBe(true);
    });

    it('generates a service that depends on the library', () => {
      workspace.nx([
        'g',
        '@mab/nx:fastapi-service',
        service,
        `--dependencies=${library}`,
        '--no-interactive',
      ]);
      const root = join(workspace.root, 'apps', service);
      const lock = readFileSync(join(root, 'poetry.lock'), 'utf8');
      expect(lock).toContain(`name = "${library}"`);
      expect(lock).toContain('name = "fastapi"');
      // Targets are inferred by the graph plugin, and the library is an edge
      // of the project graph, which gives docker-build its build context.
      const project = JSON.parse(
        workspace.nx(['show', 'project', service, '--json']),
      );
      expect(project.targets['docker-build'].options.archive).toBe(true);
      expect(project.targets['docker-load'].dependsOn).toEqual([
        { target: 'docker-build', params: 'forward' },
      ]);
      const graphFile = join(workspace.root, 'graph.json');
      workspace.nx(['graph', `--file=${graphFile}`]);
      const graph = JSON.parse(readFileSync(graphFile, 'utf8')).graph;
      expect(graph.dependencies[service]).toContainEqual({
        source: service,
        target: library,
        type: 'static',
      });
    });

    it('rejects a second run and keeps the files', () => {
      const pyproject = readFileSync(
        join(workspace.root, 'apps', service, 'pyproject.toml'),
        'utf8',
      );
      const result = tryRun(
        join(workspace.root, 'node_modules/.bin/nx'),
        ['g', '@mab/nx:fastapi-service', service, '--no-interactive'],
        { cwd: workspace.root, env: workspace.env },
      );
      expect(result.status).not.toBe(0);
      expect(result.output).toContain(
        `The directory "apps/${service}" already exists`,
      );
      expect(
        readFileSync(
          join(workspace.root, 'apps', service, 'pyproject.toml'),
          'utf8',
        ),
      ).toBe(pyproject);
    });

    it('writes a Dockerfile that hadolint accepts', () => {
      // Both variants are stages of this one file.
      const dockerfile = join(workspace.root, 'apps', service, 'Dockerfile');
      const result = tryRun('hadolint', [dockerfile], { cwd: workspace.root });
      expect(result.output).toBe('');
      expect(result.status).toBe(0);
    });

    it('passes pytest and ruff through Nx', () => {
      const nxRun = (target: string) =>
        workspace.nx(['run', target, '--skip-nx-cache']);
      expect(nxRun(`${library}:test`)).toMatch(/1 passed/);
      expect(nxRun(`${service}:test`)).toMatch(/4 passed/);
      for (const project of [library, service]) {
        const output = nxRun(`${project}:lint`);
        expect(output).toContain('All checks passed!');
        expect(output).toMatch(/files? already formatted/);
      }
    });

    it('builds the cross variant for amd64 and arm64', () => {
      const output = workspace.nx([
        'run',
        `${service}:docker-build`,
        '--platforms=amd64,arm64',
        '--network=host',
        `--tags=${tag}`,
      ]);
      expect(output).toContain('Dockerfile variant "cross": all ');
      for (const platform of PLATFORMS) {
        const architecture = inspectPlatform(
          `${service}:${tag}-${platform}`,
          workspace.root,
        );
        expect(architecture).toBe(`linux/${platform}`);
      }
    });

    it.each(PLATFORMS)(
      'serves /healthz from the %s image as a non-root user',
      async (platform) => {
        const container = `${service}-${platform}`;
        containers.push(container);
        const answer = await runAndProbe({
          image: `${service}:${tag}-${platform}`,
          container,
          platform,
          cwd: workspace.root,
        });
        expect(answer.body).toBe('{"status":"ok"}');
        const user = run('docker', ['exec', container, 'id', '-u'], {
          cwd: workspace.root,
        }).trim();
        expect(user).toBe('10001');
        const imported = run(
          'docker',
          [
            'exec',
            container,
            'python',
            '-c',
            `import ${library.replace(/-/g, '_')} as lib, platform; print(platform.machine(), lib.__file__)`,
          ],
          { cwd: workspace.root },
        ).trim();
        expect(imported).toMatch(
          new RegExp(
            `^${platform === 'amd64' ? 'x86_64' : 'aarch64'} /opt/venv/lib/python3\\.13/site-packages/`,
          ),
        );
      },
    );
  },
);
