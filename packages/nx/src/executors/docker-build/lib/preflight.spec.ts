import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult } from '../../../utils/exec';
import { runCommand } from '../../../utils/exec';
import type { DockerBuildExecutorSchema } from '../schema';
import { normalizeOptions } from './normalize-options';
import type { NormalizedDockerBuildOptions } from './normalize-options';
import {
  ENGINE_HELP,
  checkPlatforms,
  checkSecrets,
  isContainerdImageStore,
  lastLine,
  parseBuilderInspect,
  parseBuildxVersion,
  runPreflight,
} from './preflight';

jest.mock('../../../utils/exec', () => ({
  ...jest.requireActual('../../../utils/exec'),
  runCommand: jest.fn(),
}));

const INSPECT_DEFAULT = readFileSync(
  join(__dirname, '../__fixtures__/buildx-0.13.1-inspect-default.txt'),
  'utf8',
);
const BUILDX_VERSION = 'github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3';
const DEFAULT_PLATFORMS = [
  'linux/amd64',
  'linux/amd64/v2',
  'linux/amd64/v3',
  'linux/amd64/v4',
  'linux/arm64',
];
const INFO_OVERLAY = JSON.stringify({
  Driver: 'overlay2',
  DriverStatus: [['Backing Filesystem', 'extfs']],
});
const INFO_CONTAINERD = JSON.stringify({
  Driver: 'overlayfs',
  DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']],
});

describe('parseBuilderInspect', () => {
  it('reads the buildx 0.13.1 default builder', () => {
    expect(parseBuilderInspect(INSPECT_DEFAULT)).toEqual({
      builder: 'default',
      driver: 'docker',
      platforms: DEFAULT_PLATFORMS,
    });
  });

  it('strips the asterisk of configured platforms', () => {
    const output = [
      'Name:   multiarch',
      'Driver: docker-container',
      'Platforms: linux/amd64*, linux/arm64*, linux/amd64',
    ].join('\n');

    expect(parseBuilderInspect(output).platforms).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
  });

  it('returns empty fields for empty output', () => {
    expect(parseBuilderInspect('')).toEqual({
      builder: '',
      driver: '',
      platforms: [],
    });
  });
});

describe('parseBuildxVersion', () => {
  it('reads the Debian buildx version', () => {
    expect(parseBuildxVersion(BUILDX_VERSION)).toBe('0.13.1+ds1');
  });

  it('returns unknown for empty output', () => {
    expect(parseBuildxVersion('')).toBe('unknown');
  });
});

describe('isContainerdImageStore', () => {
  it('detects the containerd snapshotter', () => {
    expect(isContainerdImageStore(INFO_CONTAINERD)).toBe(true);
  });

  it('rejects the classic overlay2 store', () => {
    expect(isContainerdImageStore(INFO_OVERLAY)).toBe(false);
  });
});

describe('lastLine', () => {
  it('returns the last non-empty line', () => {
    expect(lastLine('#1 building\nERROR: failed to solve\n  \n\n')).toBe(
      'ERROR: failed to solve',
    );
  });

  it('trims carriage returns and spaces', () => {
    expect(lastLine('first\r\n  second  \r\n')).toBe('second');
  });

  it('returns empty text for empty input', () => {
    expect(lastLine('')).toBe('');
  });
});

describe('checkPlatforms', () => {
  const facts = { builder: 'default', platforms: DEFAULT_PLATFORMS };

  it('accepts platforms the builder lists', () => {
    expect(() =>
      checkPlatforms(['linux/amd64', 'linux/arm64'], facts),
    ).not.toThrow();
  });

  it('names every missing platform', () => {
    expect(() =>
      checkPlatforms(['linux/amd64', 'linux/arm/v7', 'linux/s390x'], facts),
    ).toThrow(
      'The buildx builder "default" cannot build "linux/arm/v7", "linux/s390x": it supports linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/amd64/v4, linux/arm64. Register QEMU emulation for it (docker run --privileged --rm tonistiigi/binfmt --install arm,s390x, or "bash tools/engine.sh" in this repository), or pass --builder with a builder that has a node for it.',
    );
  });

  it('reports a builder without platforms', () => {
    expect(() =>
      checkPlatforms(['linux/arm64'], { builder: 'remote', platforms: [] }),
    ).toThrow(
      'The buildx builder "remote" cannot build "linux/arm64": it supports no platform. Register QEMU emulation for it (docker run --privileged --rm tonistiigi/binfmt --install arm64, or "bash tools/engine.sh" in this repository), or pass --builder with a builder that has a node for it.',
    );
  });
});

describe('checkSecrets', () => {
  const options = (secrets: string[]) => ({ projectName: 'api', secrets });

  it('accepts a set environment variable', () => {
    const env = { PYPI_TOKEN: 'value' };

    expect(() =>
      checkSecrets(options(['id=pypi_token,env=PYPI_TOKEN']), env),
    ).not.toThrow();
  });

  it('reports an unset environment variable', () => {
    expect(() =>
      checkSecrets(options(['id=pypi_token,env=PYPI_TOKEN']), {}),
    ).toThrow(
      'The secret "pypi_token" of project "api" reads the environment variable "PYPI_TOKEN", which is not set. Export it before the build, or remove the secret from the "secrets" option.',
    );
  });

  it('accepts an empty environment variable', () => {
    const env = { PYPI_TOKEN: '' };

    expect(() =>
      checkSecrets(options(['id=pypi_token,env=PYPI_TOKEN']), env),
    ).not.toThrow();
  });
});

describe('runPreflight', () => {
  const run = jest.mocked(runCommand);
  let workspaceRoot: string;

  function result(overrides: Partial<CommandResult> = {}): CommandResult {
    return {
      command: 'docker',
      exitCode: 0,
      stdout: '',
      stderr: '',
      interrupted: false,
      notFound: false,
      ...overrides,
    };
  }

  /** Stubs the result of each preflight command, with overrides keyed by its first two arguments. */
  function stubCommands(
    overrides: Record<string, Partial<CommandResult>> = {},
  ) {
    const defaults: Record<string, Partial<CommandResult>> = {
      'version --format': { stdout: '27.5.1\n' },
      'info --format': { stdout: INFO_OVERLAY },
      'buildx version': { stdout: BUILDX_VERSION },
      'buildx inspect': { stdout: INSPECT_DEFAULT },
    };
    run.mockImplementation(async (_file, args) => {
      const key = args.slice(0, 2).join(' ');
      return result({ ...defaults[key], ...overrides[key] });
    });
  }

  function options(
    input: DockerBuildExecutorSchema = {},
  ): NormalizedDockerBuildOptions {
    return normalizeOptions(
      { platforms: 'linux/amd64', ...input },
      { projectName: 'api', projectRoot: 'apps/api', workspaceRoot },
      'x64',
    );
  }

  beforeEach(() => {
    workspaceRoot = mkdtempSync(join(tmpdir(), 'mab-preflight-'));
    mkdirSync(join(workspaceRoot, 'apps/api'), { recursive: true });
    writeFileSync(join(workspaceRoot, 'apps/api/Dockerfile'), 'FROM scratch\n');
    run.mockReset();
    stubCommands();
  });

  afterEach(() => {
    rmSync(workspaceRoot, { recursive: true, force: true });
  });

  it('returns the engine facts', async () => {
    await expect(runPreflight(options())).resolves.toEqual({
      dockerVersion: '27.5.1',
      buildxVersion: '0.13.1+ds1',
      builder: 'default',
      driver: 'docker',
      platforms: DEFAULT_PLATFORMS,
      containerdImageStore: false,
    });
  });

  it('runs the checks in order', async () => {
    await runPreflight(options());

    expect(run.mock.calls).toEqual([
      ['docker', ['version', '--format', '{{.Client.Version}}']],
      ['docker', ['info', '--format', '{{json .}}']],
      ['docker', ['buildx', 'version']],
      ['docker', ['buildx', 'inspect']],
    ]);
  });

  it('inspects the chosen builder', async () => {
    await runPreflight(options({ builder: 'default' }));

    expect(run).toHaveBeenLastCalledWith('docker', [
      'buildx',
      'inspect',
      'default',
    ]);
  });

  it('detects the containerd image store', async () => {
    stubCommands({ 'info --format': { stdout: INFO_CONTAINERD } });

    const facts = await runPreflight(options());

    expect(facts.containerdImageStore).toBe(true);
  });

  it('reports a missing Docker CLI', async () => {
    stubCommands({ 'version --format': { exitCode: 1, notFound: true } });

    await expect(runPreflight(options())).rejects.toThrow(
      `The Docker CLI "docker" was not found on PATH, so no image can be built. Install the Docker CLI with the Buildx plugin (see ${ENGINE_HELP}).`,
    );
  });

  it('stops after a missing Docker CLI', async () => {
    stubCommands({ 'version --format': { exitCode: 1, notFound: true } });

    await expect(runPreflight(options())).rejects.toThrow();
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('reports an unreachable daemon', async () => {
    stubCommands({
      'info --format': {
        exitCode: 1,
        stderr:
          'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      },
    });

    await expect(runPreflight(options())).rejects.toThrow(
      'The Docker daemon is not reachable (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?). Start the engine (for example "bash tools/engine.sh" in this repository, or Docker Desktop) and check DOCKER_HOST.',
    );
  });

  it('reports daemon exit code without stderr', async () => {
    stubCommands({ 'info --format': { exitCode: 1, stderr: '' } });

    await expect(runPreflight(options())).rejects.toThrow(
      'The Docker daemon is not reachable (docker info exited with code 1). Start the engine (for example "bash tools/engine.sh" in this repository, or Docker Desktop) and check DOCKER_HOST.',
    );
  });

  it('reports missing buildx', async () => {
    stubCommands({
      'buildx version': {
        exitCode: 1,
        stderr: "docker: 'buildx' is not a docker command.",
      },
    });

    await expect(runPreflight(options())).rejects.toThrow(
      `Docker Buildx is not installed: "docker buildx version" failed, while the Docker CLI 27.5.1 was found. Install the buildx plugin into ~/.docker/cli-plugins or /usr/local/lib/docker/cli-plugins (see ${ENGINE_HELP}); a plain "docker build" is never used instead.`,
    );
  });

  it('reports a failing builder inspect', async () => {
    stubCommands({
      'buildx inspect': {
        exitCode: 1,
        stderr: 'ERROR: no builder "multiarch" found',
      },
    });

    await expect(
      runPreflight(options({ builder: 'multiarch' })),
    ).rejects.toThrow(
      'The buildx builder "multiarch" cannot be used (ERROR: no builder "multiarch" found). List the builders with "docker buildx ls" and pass one with --builder.',
    );
  });

  it('reports a platform the builder lacks', async () => {
    await expect(
      runPreflight(options({ platforms: ['linux/amd64', 'linux/arm/v7'] })),
    ).rejects.toThrow(
      'The buildx builder "default" cannot build "linux/arm/v7": it supports linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/amd64/v4, linux/arm64. Register QEMU emulation for it (docker run --privileged --rm tonistiigi/binfmt --install arm, or "bash tools/engine.sh" in this repository), or pass --builder with a builder that has a node for it.',
    );
  });

  it('reports a missing Dockerfile', async () => {
    const file = join(workspaceRoot, 'apps/api/Dockerfile.prod');

    await expect(runPreflight(options({ file }))).rejects.toThrow(
      'The Dockerfile "apps/api/Dockerfile.prod" of project "api" does not exist. Create it or set the "file" option to its path relative to the workspace root.',
    );
  });

  it('reports a missing context', async () => {
    const context = join(workspaceRoot, 'apps/missing');

    await expect(runPreflight(options({ context }))).rejects.toThrow(
      'The build context "apps/missing" of project "api" does not exist or is not a folder. Set the "context" option to a folder relative to the workspace root.',
    );
  });

  it('reports a context that is a file', async () => {
    const context = join(workspaceRoot, 'apps/api/Dockerfile');

    await expect(runPreflight(options({ context }))).rejects.toThrow(
      'The build context "apps/api/Dockerfile" of project "api" does not exist or is not a folder. Set the "context" option to a folder relative to the workspace root.',
    );
  });

  it('reports a missing named build context', async () => {
    const buildContexts = { shared: 'libs/shared' };

    await expect(runPreflight(options({ buildContexts }))).rejects.toThrow(
      'The build context "shared" of project "api" points to "libs/shared", which does not exist or is not a folder. Fix its path in the "buildContexts" option.',
    );
  });

  it('reports a missing secret file', async () => {
    const secrets = [{ id: 'netrc', src: 'secrets/netrc' }];

    await expect(runPreflight(options({ secrets }))).rejects.toThrow(
      `The secret "netrc" of project "api" reads the file "${join(workspaceRoot, 'secrets/netrc')}", which does not exist. Create it, or fix "src" in the "secrets" option.`,
    );
  });

  it('checks files before running docker', async () => {
    const context = join(workspaceRoot, 'apps/missing');

    await expect(runPreflight(options({ context }))).rejects.toThrow();
    expect(run).not.toHaveBeenCalled();
  });

  it('rejects registry cache on docker driver', async () => {
    const cacheTo = [
      'type=inline',
      'type=registry,ref=127.0.0.1:5000/api:cache',
    ];

    await expect(runPreflight(options({ cacheTo }))).rejects.toThrow(
      'The cache export "type=registry,ref=127.0.0.1:5000/api:cache" is not supported by the "docker" driver of builder "default" without the containerd image store. Use "type=inline", enable the containerd image store, or create a docker-container builder and pass it with --builder.',
    );
  });

  it('rejects archive output on docker driver', async () => {
    const outputs = ['type=oci,dest=dist/api.oci.tar'];

    await expect(runPreflight(options({ outputs }))).rejects.toThrow(
      `The output "type=oci,dest=${join(workspaceRoot, 'dist/api.oci.tar')}" is not supported by the "docker" driver of builder "default" without the containerd image store. Enable the containerd image store ("features": {"containerd-snapshotter": true} in daemon.json), or create a docker-container builder and pass it with --builder.`,
    );
  });

  it('allows inline cache on docker driver', async () => {
    const cacheTo = ['type=inline'];

    await expect(runPreflight(options({ cacheTo }))).resolves.toBeDefined();
  });

  it('allows registry cache with containerd', async () => {
    stubCommands({ 'info --format': { stdout: INFO_CONTAINERD } });
    const cacheTo = ['type=registry,ref=127.0.0.1:5000/api:cache'];

    await expect(runPreflight(options({ cacheTo }))).resolves.toBeDefined();
  });
});
