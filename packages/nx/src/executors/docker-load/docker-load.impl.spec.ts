import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult } from '../../utils/exec';
import { runCommand } from '../../utils/exec';
import { dockerLoadExecutor } from './docker-load.impl';

const createdFolders: string[] = [];
afterAll(() =>
  createdFolders.forEach((folder) =>
    rmSync(folder, { recursive: true, force: true }),
  ),
);

jest.mock('../../utils/exec', () => ({
  ...jest.requireActual('../../utils/exec'),
  runCommand: jest.fn(),
}));

const run = jest.mocked(runCommand);
const ok = (stderr = ''): CommandResult => ({
  command: 'docker',
  exitCode: stderr ? 1 : 0,
  stdout: '',
  stderr,
  interrupted: false,
  notFound: false,
});

function workspace(
  images?: unknown,
  archives: string[] = [],
): { root: string; context: ExecutorContext } {
  const root = mkdtempSync(join(tmpdir(), 'mab-docker-load-'));
  createdFolders.push(root);
  const output = join(root, 'dist/docker/apps/api');
  mkdirSync(output, { recursive: true });
  if (images !== undefined) {
    writeFileSync(
      join(output, 'images.json'),
      typeof images === 'string' ? images : JSON.stringify(images),
    );
  }
  for (const archive of archives) {
    writeFileSync(join(output, archive), 'oci');
  }
  const context = {
    root,
    cwd: root,
    isVerbose: false,
    projectName: 'api',
    projectsConfigurations: {
      version: 2,
      projects: { api: { root: 'apps/api' } },
    },
  } as unknown as ExecutorContext;
  return { root, context };
}

const TWO_PLATFORMS = {
  image: 'api',
  platforms: [
    {
      platform: 'linux/amd64',
      references: ['api:latest-amd64', 'api:stable-amd64'],
      archive: 'amd64.oci.tar',
    },
    {
      platform: 'linux/arm64',
      references: ['api:latest-arm64'],
      archive: 'arm64.oci.tar',
    },
  ],
};

describe('dockerLoadExecutor', () => {
  let error: jest.SpyInstance;

  beforeEach(() => {
    run.mockReset();
    run.mockResolvedValue(ok());
    error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('loads each archive and adds the other tags', async () => {
    const { root, context } = workspace(TWO_PLATFORMS, [
      'amd64.oci.tar',
      'arm64.oci.tar',
    ]);
    await expect(dockerLoadExecutor({}, context)).resolves.toEqual({
      success: true,
    });
    expect(run.mock.calls.map((call) => call[1])).toEqual([
      ['load', '--input', join(root, 'dist/docker/apps/api/amd64.oci.tar')],
      ['tag', 'api:latest-amd64', 'api:stable-amd64'],
      ['load', '--input', join(root, 'dist/docker/apps/api/arm64.oci.tar')],
    ]);
  });

  it('reports a missing build result', async () => {
    const { context } = workspace();
    await expect(dockerLoadExecutor({}, context)).resolves.toEqual({
      success: false,
    });
    expect(error).toHaveBeenCalledWith(
      'No build result was found at "dist/docker/apps/api/images.json". Run "nx run api:docker-build" with "archive": true first, or make this target depend on it.',
    );
  });

  it('reports invalid JSON', async () => {
    const { context } = workspace('{');
    await dockerLoadExecutor({}, context);
    expect(error.mock.calls[0][0]).toMatch(
      /^The build result "dist\/docker\/apps\/api\/images.json" is not valid JSON \(.+\)\. Run "nx run api:docker-build" again\.$/,
    );
  });

  it('reports a result without an archive', async () => {
    const { context } = workspace({
      image: 'api',
      platforms: [{ platform: 'linux/arm64', references: ['api:latest'] }],
    });
    await dockerLoadExecutor({}, context);
    expect(error).toHaveBeenCalledWith(
      'The build result of "api" has no OCI archive for "linux/arm64", so there is nothing to load. Set "archive": true on its docker-build target and build again.',
    );
    expect(run).not.toHaveBeenCalled();
  });

  it('reports a failed load', async () => {
    const { context } = workspace(TWO_PLATFORMS, [
      'amd64.oci.tar',
      'arm64.oci.tar',
    ]);
    run.mockResolvedValueOnce(ok('Error response from daemon: unexpected EOF'));
    await dockerLoadExecutor({}, context);
    expect(error).toHaveBeenCalledWith(
      'Loading "amd64.oci.tar" of "api" for "linux/amd64" failed (Error response from daemon: unexpected EOF). Check that the Docker daemon is running, then run this target again.',
    );
  });
});
