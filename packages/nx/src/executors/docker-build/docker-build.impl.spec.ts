import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { CommandResult } from '../../utils/exec';
import { runCommand } from '../../utils/exec';
import { dockerBuildExecutor } from './docker-build.impl';
import type { DockerBuildExecutorSchema } from './schema';

jest.mock('../../utils/exec', () => ({
  ...jest.requireActual('../../utils/exec'),
  runCommand: jest.fn(),
}));

const INSPECT_DEFAULT = fs.readFileSync(
  join(__dirname, '__fixtures__/buildx-0.13.1-inspect-default.txt'),
  'utf8',
);
const INFO_OVERLAY = JSON.stringify({ Driver: 'overlay2' });
const INFO_CONTAINERD = JSON.stringify({
  DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']],
});
const DIGEST_AMD64 = `sha256:${'a'.repeat(64)}`;
const DIGEST_ARM64 = `sha256:${'b'.repeat(64)}`;
const CONFIG_AMD64 = `sha256:${'c'.repeat(64)}`;
const CONFIG_ARM64 = `sha256:${'d'.repeat(64)}`;
const BOTH = 'linux/amd64,linux/arm64';
const SOLVE_ERROR =
  'ERROR: failed to solve: process "/bin/sh -c poetry install" did not complete successfully: exit code: 1';

const PREFLIGHT: Record<string, Partial<CommandResult>> = {
  'version --format': { stdout: '27.5.1' },
  'info --format': { stdout: INFO_OVERLAY },
  'buildx version': {
    stdout: 'github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3',
  },
  'buildx inspect': { stdout: INSPECT_DEFAULT },
};

const PREFLIGHT_CALLS = [
  ['docker', ['version', '--format', '{{.Client.Version}}']],
  ['docker', ['info', '--format', '{{json .}}']],
  ['docker', ['buildx', 'version']],
  ['docker', ['buildx', 'inspect']],
];

const GIT_CALLS = [
  ['git', ['rev-parse', 'HEAD']],
  ['git', ['remote', 'get-url', 'origin']],
];

interface Engine {
  /** Overrides of preflight results, keyed by the first two arguments. */
  preflight?: Record<string, Partial<CommandResult>>;
  /** Overrides of `buildx build` results, keyed by the --platform value. */
  builds?: Record<string, Partial<CommandResult>>;
  /** Metadata JSON that a build writes to its --metadata-file, keyed by platform. */
  metadata?: Record<string, Record<string, string>>;
  imagetools?: Partial<CommandResult>;
  /** Results of git commands, keyed by their first argument. Git fails by default. */
  git?: Record<string, Partial<CommandResult>>;
}

describe('dockerBuildExecutor', () => {
  const run = jest.mocked(runCommand);
  let root: string;
  let mkdtemp: jest.SpyInstance;
  let info: jest.SpyInstance;
  let error: jest.SpyInstance;
  let verboseLogging: string | undefined;

  function result(overrides: Partial<CommandResult> = {}): CommandResult {
    return {
      command: '',
      exitCode: 0,
      stdout: '',
      stderr: '',
      interrupted: false,
      notFound: false,
      ...overrides,
    };
  }

  function valueAfter(args: readonly string[], flag: string) {
    const index = args.indexOf(flag);
    return index === -1 ? undefined : args[index + 1];
  }

  function engine(setup: Engine = {}) {
    run.mockImplementation(async (file, args) => {
      if (file === 'git') {
        return result(
          setup.git?.[args[0]] ?? {
            exitCode: 128,
            stderr:
              'fatal: not a git repository (or any of the parent directories): .git',
          },
        );
      }
      if (args[1] === 'build') {
        const platform = valueAfter(args, '--platform') ?? '';
        const metadataFile = valueAfter(args, '--metadata-file');
        const metadata = setup.metadata?.[platform];
        if (metadata && metadataFile) {
          fs.writeFileSync(metadataFile, JSON.stringify(metadata));
        }
        return result(setup.builds?.[platform]);
      }
      if (args[1] === 'imagetools') {
        return result(setup.imagetools);
      }
      const key = args.slice(0, 2).join(' ');
      return result({ ...PREFLIGHT[key], ...setup.preflight?.[key] });
    });
  }

  function context(overrides: Partial<ExecutorContext> = {}): ExecutorContext {
    return {
      root,
      cwd: root,
      isVerbose: false,
      projectName: 'api',
      targetName: 'docker-build',
      projectsConfigurations: {
        version: 2,
        projects: { api: { root: 'apps/api' } },
      },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
      ...overrides,
    };
  }

  function execute(schema: DockerBuildExecutorSchema, ctx = context()) {
    return dockerBuildExecutor({ ociLabels: false, ...schema }, ctx);
  }

  /** Returns the folders that the executor created for buildx metadata files. */
  function metadataFolders(): string[] {
    return mkdtemp.mock.results
      .map((entry) => entry.value as string)
      .filter((path) => basename(path).startsWith('mab-docker-build-'));
  }

  function metadataFolder(): string {
    const folders = metadataFolders();
    expect(folders).toHaveLength(1);
    return folders[0];
  }

  function buildArgv(platform: string, tags: string[]): string[] {
    const suffix = platform.replace('linux/', '');
    return [
      'buildx',
      'build',
      '--platform',
      platform,
      '--file',
      join(root, 'apps/api/Dockerfile'),
      '--progress',
      'plain',
      ...tags.flatMap((tag) => ['--tag', tag]),
      '--load',
      '--metadata-file',
      join(metadataFolder(), `metadata-${suffix}.json`),
      join(root, 'apps/api'),
    ];
  }

  function readImagesJson() {
    const file = join(root, 'dist/docker/apps/api/images.json');
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  }

  beforeEach(() => {
    root = fs.mkdtempSync(join(tmpdir(), 'mab-docker-impl-'));
    fs.mkdirSync(join(root, 'apps/api'), { recursive: true });
    fs.writeFileSync(join(root, 'apps/api/Dockerfile'), 'FROM scratch\n');
    verboseLogging = process.env.NX_VERBOSE_LOGGING;
    delete process.env.NX_VERBOSE_LOGGING;
    mkdtemp = jest.spyOn(fs, 'mkdtempSync');
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    run.mockReset();
    engine();
  });

  afterEach(() => {
    jest.restoreAllMocks();
    if (verboseLogging !== undefined) {
      process.env.NX_VERBOSE_LOGGING = verboseLogging;
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('runs preflight, then platforms in order', async () => {
    await execute({ platforms: BOTH });

    expect(run.mock.calls.map(([file, args]) => [file, args])).toEqual([
      ...PREFLIGHT_CALLS,
      ['docker', buildArgv('linux/amd64', ['api:latest-amd64'])],
      ['docker', buildArgv('linux/arm64', ['api:latest-arm64'])],
    ]);
  });

  it('succeeds when every platform builds', async () => {
    await expect(execute({ platforms: BOTH })).resolves.toEqual({
      success: true,
    });
  });

  it('streams builds from the workspace root', async () => {
    await execute({ platforms: 'linux/amd64' });

    expect(run.mock.calls[4][2]).toEqual({
      cwd: root,
      stream: true,
      verbose: false,
      cancelSignal: expect.any(AbortSignal),
      display: run.mock.calls[4][1],
    });
  });

  it('passes verbose from the context', async () => {
    await execute({ platforms: 'linux/amd64' }, context({ isVerbose: true }));

    expect(run.mock.calls[4][2]).toMatchObject({ verbose: true });
  });

  it('logs the engine versions', async () => {
    await execute({ platforms: 'linux/amd64' });

    expect(info).toHaveBeenCalledWith(
      'Docker 27.5.1, Buildx 0.13.1+ds1, builder "default" (docker)',
    );
  });

  it('omits the engine versions when quiet', async () => {
    await execute({ platforms: 'linux/amd64', quiet: true });

    expect(info).not.toHaveBeenCalledWith(
      'Docker 27.5.1, Buildx 0.13.1+ds1, builder "default" (docker)',
    );
  });

  it('logs a header per platform', async () => {
    await execute({ platforms: BOTH });

    expect(info).toHaveBeenCalledWith(
      'Building "api:latest-amd64" for linux/amd64',
    );
    expect(info).toHaveBeenCalledWith(
      'Building "api:latest-arm64" for linux/arm64',
    );
  });

  it('reads git for OCI labels', async () => {
    await dockerBuildExecutor({ platforms: 'linux/amd64' }, context());

    expect(run.mock.calls.slice(0, 2)).toEqual([
      [...GIT_CALLS[0], { cwd: root }],
      [...GIT_CALLS[1], { cwd: root }],
    ]);
  });

  it('adds OCI labels from git', async () => {
    engine({
      git: {
        'rev-parse': { stdout: '0123abcd\n' },
        remote: { stdout: 'https://ci:token@example.com/acme/api.git\n' },
      },
    });

    await dockerBuildExecutor({ platforms: 'linux/amd64' }, context());

    expect(run.mock.calls[6][1]).toEqual([
      ...buildArgv('linux/amd64', []).slice(0, 8),
      '--label',
      'org.opencontainers.image.revision=0123abcd',
      '--label',
      'org.opencontainers.image.source=https://example.com/acme/api.git',
      ...buildArgv('linux/amd64', ['api:latest']).slice(8),
    ]);
  });

  it('writes the combined metadata file', async () => {
    const amd64 = { 'containerimage.digest': DIGEST_AMD64 };
    const arm64 = { 'containerimage.digest': DIGEST_ARM64 };
    engine({ metadata: { 'linux/amd64': amd64, 'linux/arm64': arm64 } });

    await execute({ platforms: BOTH, metadataFile: 'dist/metadata.json' });

    const file = join(root, 'dist/metadata.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      'linux/amd64': amd64,
      'linux/arm64': arm64,
    });
  });

  describe('when the second platform fails', () => {
    beforeEach(() => {
      engine({
        builds: {
          'linux/arm64': {
            exitCode: 1,
            stderr: `#9 [3/4] RUN poetry install\n${SOLVE_ERROR}\n`,
          },
        },
      });
    });

    it('returns success false', async () => {
      await expect(execute({ platforms: BOTH })).resolves.toEqual({
        success: false,
      });
    });

    it('logs the platform, command and progress', async () => {
      await execute({ platforms: BOTH });

      expect(error).toHaveBeenCalledWith(
        [
          `The build of "api" for "linux/arm64" failed with exit code 1: ${SOLVE_ERROR}`,
          `Command: docker ${buildArgv('linux/arm64', ['api:latest-arm64']).join(' ')}`,
          'Platforms already built: linux/amd64.',
        ].join('\n'),
      );
    });

    it('logs exactly one error', async () => {
      await execute({ platforms: BOTH });

      expect(error).toHaveBeenCalledTimes(1);
    });

    it('writes no images.json', async () => {
      await execute({ platforms: BOTH });

      expect(
        fs.existsSync(join(root, 'dist/docker/apps/api/images.json')),
      ).toBe(false);
    });

    it('removes the metadata folder', async () => {
      await execute({ platforms: BOTH });

      expect(fs.existsSync(metadataFolder())).toBe(false);
    });
  });

  it('stops after a failed first platform', async () => {
    engine({ builds: { 'linux/amd64': { exitCode: 1, stderr: SOLVE_ERROR } } });

    await execute({ platforms: BOTH });

    expect(run).toHaveBeenCalledTimes(PREFLIGHT_CALLS.length + 1);
  });

  it('reports none built after first failure', async () => {
    engine({ builds: { 'linux/amd64': { exitCode: 1, stderr: SOLVE_ERROR } } });

    await execute({ platforms: BOTH });

    expect(error).toHaveBeenCalledWith(
      expect.stringMatching(/\nPlatforms already built: none\.$/),
    );
  });

  it('reports an interrupted build', async () => {
    engine({
      builds: { 'linux/amd64': { exitCode: 130, interrupted: true } },
    });

    await execute({ platforms: 'linux/amd64' });

    expect(error).toHaveBeenCalledWith(
      [
        'The build of "api" for "linux/amd64" was interrupted: buildx printed no error',
        `Command: docker ${buildArgv('linux/amd64', ['api:latest']).join(' ')}`,
        'Platforms already built: none.',
      ].join('\n'),
    );
  });

  it('reports a preflight failure without building', async () => {
    engine({
      preflight: {
        'buildx inspect': {
          exitCode: 1,
          stderr: 'ERROR: no builder "multiarch" found',
        },
      },
    });

    await execute({ platforms: 'linux/amd64', builder: 'multiarch' });

    expect(error).toHaveBeenCalledWith(
      'The buildx builder "multiarch" cannot be used (ERROR: no builder "multiarch" found). List the builders with "docker buildx ls" and pass one with --builder.',
    );
    expect(run).toHaveBeenCalledTimes(PREFLIGHT_CALLS.length);
  });

  it('reports invalid options', async () => {
    const schema = {
      platforms: 'linux/amd64',
      tag: 'v1',
    } as DockerBuildExecutorSchema;

    const outcome = await execute(schema);

    expect(outcome).toEqual({ success: false });
    expect(error).toHaveBeenCalledWith(
      'Invalid docker-build options for project "api":\n✖ Unrecognized key: "tag"',
    );
  });

  it('reports a missing project', async () => {
    const outcome = await execute({}, context({ projectName: undefined }));

    expect(outcome).toEqual({ success: false });
    expect(error).toHaveBeenCalledWith(
      'The docker-build executor must run as a target of a project, for example "nx run api:docker-build".',
    );
  });

  it('rethrows unexpected errors', async () => {
    run.mockRejectedValue(new Error('spawn docker EACCES'));

    await expect(execute({ platforms: 'linux/amd64' })).rejects.toThrow(
      'spawn docker EACCES',
    );
  });

  it('removes metadata folder after a throw', async () => {
    run.mockRejectedValue(new Error('spawn docker EACCES'));

    await expect(execute({ platforms: 'linux/amd64' })).rejects.toThrow();
    expect(fs.existsSync(metadataFolder())).toBe(false);
  });

  it('removes the metadata folder on success', async () => {
    await execute({ platforms: 'linux/amd64' });

    expect(fs.existsSync(metadataFolder())).toBe(false);
  });

  it('removes its signal listeners', async () => {
    const before = process.listenerCount('SIGINT');

    await execute({ platforms: 'linux/amd64' });

    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  describe('dryRun', () => {
    it('logs each argv', async () => {
      await execute({ platforms: BOTH, dryRun: true });

      expect(info.mock.calls).toEqual([
        [
          `[linux/amd64] docker ${buildArgv('linux/amd64', ['api:latest-amd64']).join(' ')}`,
        ],
        [
          `[linux/arm64] docker ${buildArgv('linux/arm64', ['api:latest-arm64']).join(' ')}`,
        ],
      ]);
    });

    it('runs no command', async () => {
      await execute({ platforms: BOTH, dryRun: true });

      expect(run).not.toHaveBeenCalled();
    });

    it('runs only git reads for OCI labels', async () => {
      await dockerBuildExecutor({ platforms: BOTH, dryRun: true }, context());

      expect(run.mock.calls.map(([file, args]) => [file, args])).toEqual(
        GIT_CALLS,
      );
    });

    it('returns success true', async () => {
      await expect(execute({ platforms: BOTH, dryRun: true })).resolves.toEqual(
        { success: true },
      );
    });

    it('removes the metadata folder', async () => {
      await execute({ platforms: BOTH, dryRun: true });

      expect(fs.existsSync(metadataFolder())).toBe(false);
    });
  });

  describe('images.json', () => {
    it('records each platform from metadata', async () => {
      engine({
        metadata: {
          'linux/amd64': {
            'containerimage.digest': DIGEST_AMD64,
            'containerimage.config.digest': CONFIG_AMD64,
          },
          'linux/arm64': {
            'containerimage.digest': DIGEST_ARM64,
            'containerimage.config.digest': CONFIG_ARM64,
          },
        },
      });

      await execute({ platforms: BOTH });

      expect(readImagesJson()).toEqual({
        image: 'api',
        platforms: [
          {
            platform: 'linux/amd64',
            references: ['api:latest-amd64'],
            digest: DIGEST_AMD64,
            imageId: CONFIG_AMD64,
            durationSeconds: expect.any(Number),
          },
          {
            platform: 'linux/arm64',
            references: ['api:latest-arm64'],
            digest: DIGEST_ARM64,
            imageId: CONFIG_ARM64,
            durationSeconds: expect.any(Number),
          },
        ],
      });
    });

    it('omits digests without metadata files', async () => {
      await execute({ platforms: 'linux/amd64' });

      expect(readImagesJson()).toEqual({
        image: 'api',
        platforms: [
          {
            platform: 'linux/amd64',
            references: ['api:latest'],
            durationSeconds: expect.any(Number),
          },
        ],
      });
    });

    it('logs one summary per platform', async () => {
      engine({
        metadata: {
          'linux/amd64': { 'containerimage.digest': DIGEST_AMD64 },
          'linux/arm64': { 'containerimage.digest': DIGEST_ARM64 },
        },
      });

      await execute({ platforms: BOTH });

      expect(info).toHaveBeenCalledWith(
        expect.stringMatching(
          /^linux\/amd64: api:latest-amd64 sha256:aaaaaaaaaaaa \(\d+\.\d s\)$/,
        ),
      );
      expect(info).toHaveBeenCalledWith(
        expect.stringMatching(
          /^linux\/arm64: api:latest-arm64 sha256:bbbbbbbbbbbb \(\d+\.\d s\)$/,
        ),
      );
    });
  });

  describe('push of two platforms', () => {
    const image = '127.0.0.1:5000/api';
    const pushed = {
      'linux/amd64': { 'containerimage.digest': DIGEST_AMD64 },
      'linux/arm64': { 'containerimage.digest': DIGEST_ARM64 },
    };

    it('joins the digests with imagetools', async () => {
      engine({ metadata: pushed });

      await execute({ platforms: BOTH, image, push: true });

      expect(run).toHaveBeenLastCalledWith(
        'docker',
        [
          'buildx',
          'imagetools',
          'create',
          '--tag',
          `${image}:latest`,
          `${image}@${DIGEST_AMD64}`,
          `${image}@${DIGEST_ARM64}`,
        ],
        {
          stream: true,
          verbose: false,
          display: expect.arrayContaining(['imagetools']),
        },
      );
    });

    it('records the joined tags', async () => {
      engine({ metadata: pushed });

      await execute({ platforms: BOTH, image, push: true });

      expect(
        readImagesJson().platforms.map(
          (entry: { references: string[] }) => entry.references,
        ),
      ).toEqual([[`${image}:latest`], [`${image}:latest`]]);
    });

    it('reports a missing digest', async () => {
      engine({ metadata: { 'linux/amd64': pushed['linux/amd64'] } });

      const outcome = await execute({ platforms: BOTH, image, push: true });

      expect(outcome).toEqual({ success: false });
      expect(error).toHaveBeenCalledWith(
        'Buildx reported no digest for a pushed platform of "127.0.0.1:5000/api", so the platforms cannot be joined into one image. Check that the registry accepted the push and run the build again.',
      );
    });

    it('reports a failed join', async () => {
      engine({
        metadata: pushed,
        imagetools: { exitCode: 1, stderr: 'ERROR: unauthorized' },
      });

      const outcome = await execute({ platforms: BOTH, image, push: true });

      expect(outcome).toEqual({ success: false });
      expect(error).toHaveBeenCalledWith(
        `Joining the platforms of "127.0.0.1:5000/api" into one image failed: ERROR: unauthorized. Command: docker buildx imagetools create --tag ${image}:latest ${image}@${DIGEST_AMD64} ${image}@${DIGEST_ARM64}`,
      );
    });
  });

  describe('load of two platforms with containerd', () => {
    beforeEach(() => {
      engine({ preflight: { 'info --format': { stdout: INFO_CONTAINERD } } });
    });

    it('loads all platforms under plain tags', async () => {
      await execute({ platforms: BOTH });

      expect(run).toHaveBeenLastCalledWith(
        'docker',
        [
          'buildx',
          'build',
          '--platform',
          BOTH,
          '--file',
          join(root, 'apps/api/Dockerfile'),
          '--progress',
          'plain',
          '--tag',
          'api:latest',
          '--load',
          join(root, 'apps/api'),
        ],
        {
          cwd: root,
          stream: true,
          verbose: false,
          cancelSignal: expect.any(AbortSignal),
          display: expect.arrayContaining(['--load']),
        },
      );
    });

    it('reports a failed joint load', async () => {
      engine({
        preflight: { 'info --format': { stdout: INFO_CONTAINERD } },
        builds: { [BOTH]: { exitCode: 1, stderr: 'ERROR: failed to load' } },
      });

      const outcome = await execute({ platforms: BOTH });

      expect(outcome).toEqual({ success: false });
      expect(error).toHaveBeenCalledWith(
        `Loading the platforms of "api" under one tag failed: ERROR: failed to load. The per-platform tags api:latest-amd64, api:latest-arm64 were loaded. Command: docker buildx build --platform ${BOTH} --file ${join(root, 'apps/api/Dockerfile')} --progress plain --tag api:latest --load ${join(root, 'apps/api')}`,
      );
    });

    it('skips the joint load on overlay2', async () => {
      engine();

      await execute({ platforms: BOTH });

      expect(run).toHaveBeenCalledTimes(PREFLIGHT_CALLS.length + 2);
    });
  });
});
