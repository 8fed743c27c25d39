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
  'fastapi-service built for amd64 and arm64 on the real engine',
  () => {
    const name = uniq('api');
    const tag = 'e2e';
    const containers: string[] = [];
    let workspace: TestWorkspace;
    const timings: Record<string, number> = {};

    const timed = <T>(label: string, step: () => T): T => {
      const started = Date.now();
      try {
        return step();
      } finally {
        timings[label] = (Date.now() - started) / 1000;
        console.log(`[e2e timing] ${label}: ${timings[label].toFixed(1)} s`);
      }
    };

    beforeAll(() => {
      workspace = timed('workspace creation and nx add', () =>
        createTestWorkspace(NX_VERSION),
      );
    });

    afterAll(() => {
      const cwd = process.cwd();
      for (const container of containers) {
        tryRun('docker', ['rm', '--force', container], { cwd });
      }
      for (const platform of PLATFORMS) {
        tryRun(
          'docker',
          ['image', 'rm', '--force', `${name}:${tag}-${platform}`],
          { cwd },
        );
      }
      workspace?.remove();
      console.log(`[e2e timing] summary ${JSON.stringify(timings)}`);
    });

    it('generates the service and locks and installs it with Poetry', () => {
      timed('generate, poetry lock and poetry sync', () =>
        workspace.nx([
          'g',
          '@mab/nx:fastapi-service',
          name,
          '--no-interactive',
        ]),
      );
      const root = join(workspace.root, 'apps', name);
      for (const file of [
        'pyproject.toml',
        'poetry.lock',
        'Dockerfile',
        '.dockerignore',
        `src/${name.replace(/-/g, '_')}/main.py`,
        'tests/test_health.py',
        '.venv',
      ]) {
        expect(existsSync(join(root, file))).toBe(true);
      }
      expect(readFileSync(join(root, 'poetry.lock'), 'utf8')).toContain(
        'name = "fastapi"',
      );
    });

    it('passes the generated pytest suite through Nx', () => {
      const output = timed('pytest through nx', () =>
        workspace.nx(['run', `${name}:test`, '--skip-nx-cache']),
      );
      expect(output).toMatch(/\b[1-9]\d* passed\b/);
      expect(output).not.toMatch(/\b\d+ failed\b/);
    });

    it('builds one image per platform with buildx', () => {
      const output = timed('docker-build linux/amd64 + linux/arm64', () =>
        workspace.nx([
          'run',
          `${name}:docker-build`,
          '--platforms=amd64,arm64',
          '--network=host',
          `--tags=${tag}`,
        ]),
      );
      for (const platform of PLATFORMS) {
        expect(output).toContain(
          `Building "${name}:${tag}-${platform}" for linux/${platform}`,
        );
        expect(output).toMatch(
          new RegExp(
            `linux/${platform}: ${name}:${tag}-${platform} sha256:[0-9a-f]{12}`,
          ),
        );
      }
      for (const platform of PLATFORMS) {
        const architecture = inspectPlatform(
          `${name}:${tag}-${platform}`,
          workspace.root,
        );
        expect(architecture).toBe(`linux/${platform}`);
      }
    });

    it.each(PLATFORMS)(
      'serves /healthz from the %s image',
      async (platform) => {
        const container = `${name}-${platform}`;
        containers.push(container);
        const answer = await runAndProbe({
          image: `${name}:${tag}-${platform}`,
          container,
          platform,
          cwd: workspace.root,
        });
        timings[`first /healthz answer, linux/${platform}`] = answer.seconds;
        console.log(
          `[e2e] linux/${platform} /healthz answered HTTP ${answer.status} ${answer.body} after ${answer.seconds.toFixed(1)} s`,
        );
        expect(answer.body).toBe('{"status":"ok"}');
        const machine = run(
          'docker',
          [
            'exec',
            container,
            'python',
            '-c',
            'import platform; print(platform.machine())',
          ],
          {
            cwd: workspace.root,
          },
        ).trim();
        expect(machine).toBe(platform === 'amd64' ? 'x86_64' : 'aarch64');
      },
    );
  },
);
