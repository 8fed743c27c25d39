import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithEngine, inspectPlatform } from './helpers/engine';
import { run, tryRun } from './helpers/run';
import type { TestWorkspace } from './helpers/workspace';
import { createTestWorkspace, uniq } from './helpers/workspace';

const NX_VERSION = '23.2.1';
const LOCAL_REGISTRY = '127.0.0.1:5000';
const SECRET_VALUE = 'e2e-secret-value-7f3a';

// A small project whose build runs one step on each platform, so these
// cases exercise buildx options without installing Python packages.
const DOCKERFILE = `ARG BASE=python:3.13-slim
FROM \${BASE}
RUN --mount=type=secret,id=token test -s /run/secrets/token && uname -m > /arch
CMD ["cat", "/arch"]
`;

// Runs long enough to be interrupted; "sleep 97" makes its process findable.
const SLOW_DOCKERFILE = `FROM python:3.13-slim
RUN sleep 97 && echo mab-e2e-slow-step
`;

function addBoxProject(
  workspace: TestWorkspace,
  name: string,
  image: string,
): void {
  const root = join(workspace.root, 'apps', name);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(root, 'Dockerfile.slow'), SLOW_DOCKERFILE);
  const base = {
    network: 'host',
    secrets: [{ id: 'token', env: 'E2E_TOKEN' }],
  };
  writeFileSync(
    join(root, 'project.json'),
    JSON.stringify({
      name,
      root: `apps/${name}`,
      targets: {
        'docker-build': {
          executor: '@mab/nx:docker-build',
          options: {
            ...base,
            image: name,
            platforms: 'amd64,arm64',
            tags: ['e2e'],
          },
          configurations: {
            push: { image, push: true },
            oci: {
              load: false,
              outputs: [`type=oci,dest=dist/${name}.oci.tar`],
            },
            cache: { cacheTo: ['type=local,mode=max'] },
            builder: { builder: `${name}-builder`, createBuilder: true },
            slow: {
              file: `apps/${name}/Dockerfile.slow`,
              platforms: 'amd64',
              secrets: [],
            },
          },
        },
      },
    }),
  );
}

function isRunning(pattern: string): boolean {
  return tryRun('pgrep', ['-f', pattern], { cwd: tmpdir() }).status === 0;
}

async function waitFor(
  condition: () => boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describeWithEngine()('docker-build executor on the real engine', () => {
  const name = uniq('box');
  const pushed = `${LOCAL_REGISTRY}/mab-e2e/${name}`;
  let workspace: TestWorkspace;
  let env: NodeJS.ProcessEnv;

  const nx = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const merged = { ...env, ...extraEnv };
    // An undefined value would reach the child as the string "undefined".
    Object.keys(merged).forEach(
      (key) => merged[key] === undefined && delete merged[key],
    );
    return tryRun(join(workspace.root, 'node_modules/.bin/nx'), args, {
      cwd: workspace.root,
      env: merged,
    });
  };

  beforeAll(() => {
    workspace = createTestWorkspace(NX_VERSION);
    env = { ...workspace.env, E2E_TOKEN: SECRET_VALUE };
    addBoxProject(workspace, name, pushed);
  });

  afterAll(() => {
    const cwd = process.cwd();
    for (const tag of ['e2e', 'e2e-amd64', 'e2e-arm64']) {
      tryRun('docker', ['image', 'rm', '--force', `${name}:${tag}`], { cwd });
    }
    workspace?.remove();
  });

  it('loads each platform and one multi-platform tag', () => {
    const result = nx(['run', `${name}:docker-build`, '--skip-nx-cache']);
    console.log(result.output);
    expect(result.status).toBe(0);
    expect(result.output).not.toContain(SECRET_VALUE);
    for (const platform of ['amd64', 'arm64']) {
      expect(inspectPlatform(`${name}:e2e-${platform}`, workspace.root)).toBe(
        `linux/${platform}`,
      );
      const arch = run(
        'docker',
        [
          'run',
          '--rm',
          '--network',
          'none',
          '--platform',
          `linux/${platform}`,
          `${name}:e2e`,
        ],
        {
          cwd: workspace.root,
          echo: false,
        },
      ).trim();
      expect(arch).toBe(platform === 'amd64' ? 'x86_64' : 'aarch64');
    }
    const images = JSON.parse(
      run(
        'cat',
        [join(workspace.root, 'dist/docker/apps', name, 'images.json')],
        { cwd: workspace.root, echo: false },
      ),
    );
    expect(
      images.platforms.map((entry: { platform: string }) => entry.platform),
    ).toEqual(['linux/amd64', 'linux/arm64']);
    expect(images.platforms[1].digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('pushes both platforms under one tag', () => {
    const result = nx(['run', `${name}:docker-build:push`, '--skip-nx-cache']);
    console.log(result.output);
    expect(result.status).toBe(0);
    const inspected = run(
      'docker',
      ['buildx', 'imagetools', 'inspect', `${pushed}:e2e`],
      { cwd: workspace.root },
    );
    expect(inspected).toContain('Platform:    linux/amd64');
    expect(inspected).toContain('Platform:    linux/arm64');
  });

  it('writes one OCI archive per platform', () => {
    const result = nx(['run', `${name}:docker-build:oci`, '--skip-nx-cache']);
    console.log(result.output);
    expect(result.status).toBe(0);
    for (const platform of ['amd64', 'arm64']) {
      const archive = join(
        workspace.root,
        'dist',
        `${name}-${platform}.oci.tar`,
      );
      expect(existsSync(archive)).toBe(true);
      expect(
        run('tar', ['-tf', archive], { cwd: workspace.root, echo: false }),
      ).toContain('index.json');
    }
  });

  it('exports a local cache per platform', () => {
    const result = nx([
      'run',
      `${name}:docker-build:cache`,
      '--skip-nx-cache',
      '--verbose',
    ]);
    console.log(result.output);
    expect(result.status).toBe(0);
    for (const platform of ['amd64', 'arm64']) {
      expect(
        existsSync(
          join(
            workspace.root,
            'tmp/docker-cache',
            `${name}-${platform}`,
            'index.json',
          ),
        ),
      ).toBe(true);
    }
  });

  it('removes a builder that failed to start', () => {
    const result = nx([
      'run',
      `${name}:docker-build:builder`,
      '--skip-nx-cache',
    ]);
    console.log(result.output);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(
      `Creating the buildx builder "${name}-builder" with the "docker-container" driver failed (`,
    );
    expect(result.output).toContain('; nothing was left behind.');
    expect(
      run('docker', ['buildx', 'ls'], { cwd: workspace.root, echo: false }),
    ).not.toContain(`${name}-builder`);
  });

  it('stops the build on Ctrl-C', async () => {
    const child = spawn(
      join(workspace.root, 'node_modules/.bin/nx'),
      ['run', `${name}:docker-build:slow`, '--skip-nx-cache'],
      {
        cwd: workspace.root,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    await waitFor(() => isRunning('sleep 97'), 120_000);
    // A terminal's Ctrl-C sends SIGINT to the whole foreground process group.
    process.kill(-(child.pid as number), 'SIGINT');
    const code = await exited;
    // The buildx client and the step it started must both end soon after.
    await waitFor(
      () => !isRunning('sleep 97') && !isRunning('Dockerfile.slow'),
      30_000,
    ).catch(() => undefined);
    console.log(output.slice(-2000));
    expect(code).not.toBe(0);
    expect(isRunning('sleep 97')).toBe(false);
    expect(isRunning(`Dockerfile.slow`)).toBe(false);
  });

  it('prints the argv per platform on dry run', () => {
    const result = nx([
      'run',
      `${name}:docker-build`,
      '--dryRun',
      '--skip-nx-cache',
    ]);
    expect(result.status).toBe(0);
    expect(result.output).toContain(
      '[linux/amd64] docker buildx build --platform linux/amd64',
    );
    expect(result.output).toContain(
      '[linux/arm64] docker buildx build --platform linux/arm64',
    );
    expect(result.output).toContain('--secret id=token,env=E2E_TOKEN');
    expect(result.output).not.toContain(SECRET_VALUE);
  });

  it('reports an unreachable daemon', () => {
    const result = nx(['run', `${name}:docker-build`, '--skip-nx-cache'], {
      DOCKER_HOST: `unix://${join(tmpdir(), 'mab-no-engine.sock')}`,
    });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('The Docker daemon is not reachable (');
    expect(result.output).toContain(
      'Start the engine (for example "bash tools/engine.sh" in this repository, or Docker Desktop) and check DOCKER_HOST.',
    );
  });

  it('reports a missing buildx plugin', () => {
    // The engine script puts buildx in the user's plugin folder, so an empty
    // DOCKER_CONFIG hides it: the real condition, not a stub.
    const emptyConfig = mkdtempSync(join(tmpdir(), 'mab-docker-config-'));
    try {
      const result = nx(['run', `${name}:docker-build`, '--skip-nx-cache'], {
        DOCKER_CONFIG: emptyConfig,
      });
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(
        /Docker Buildx is not installed: "docker buildx version" failed, while the Docker CLI [0-9.]+ was found\./,
      );
    } finally {
      rmSync(emptyConfig, { recursive: true, force: true });
    }
  });

  it('reports a platform the builder lacks', () => {
    const result = nx([
      'run',
      `${name}:docker-build`,
      '--platforms=s390x',
      '--skip-nx-cache',
    ]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(
      'The buildx builder "default" cannot build "linux/s390x": it supports linux/amd64',
    );
    expect(result.output).toContain(
      'docker run --privileged --rm tonistiigi/binfmt --install s390x',
    );
  });

  it('reports a missing docker CLI', () => {
    // node and git live in /usr/bin; the docker CLI only in /usr/local/bin.
    const result = nx(['run', `${name}:docker-build`, '--skip-nx-cache'], {
      PATH: '/usr/bin:/bin',
    });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(
      'The Docker CLI "docker" was not found on PATH, so no image can be built. Install the Docker CLI with the Buildx plugin (see https://github.com/mab-dev/nx#a-build-engine).',
    );
  });

  it('reports a missing Dockerfile', () => {
    const result = nx([
      'run',
      `${name}:docker-build`,
      `--file=apps/${name}/Dockerfile.missing`,
      '--skip-nx-cache',
    ]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(
      `The Dockerfile "apps/${name}/Dockerfile.missing" of project "${name}" does not exist. Create it or set the "file" option to its path relative to the workspace root.`,
    );
  });

  it('reports an unset secret variable', () => {
    const result = nx(['run', `${name}:docker-build`, '--skip-nx-cache'], {
      E2E_TOKEN: undefined,
    });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(
      `The secret "token" of project "${name}" reads the environment variable "E2E_TOKEN", which is not set. Export it before the build, or remove the secret from the "secrets" option.`,
    );
  });
});
