import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult } from '../../../utils/exec';
import { runCommand } from '../../../utils/exec';
import { createBuilderArgs, ensureBuilder } from './builder';
import type { NormalizedDockerBuildOptions } from './normalize-options';
import { normalizeOptions } from './normalize-options';

const createdFolders: string[] = [];
afterAll(() =>
  createdFolders.forEach((folder) =>
    rmSync(folder, { recursive: true, force: true }),
  ),
);

jest.mock('../../../utils/exec', () => ({
  ...jest.requireActual('../../../utils/exec'),
  runCommand: jest.fn(),
}));

const run = jest.mocked(runCommand);

const result = (exitCode: number, stderr = ''): CommandResult => ({
  command: 'docker',
  exitCode,
  stdout: '',
  stderr,
  interrupted: false,
  notFound: false,
});

function options(
  overrides: Record<string, unknown> = {},
): NormalizedDockerBuildOptions {
  const root = mkdtempSync(join(tmpdir(), 'mab-builder-'));
  createdFolders.push(root);
  writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\n');
  return normalizeOptions(
    {
      platforms: 'amd64,arm64',
      builder: 'api-builder',
      createBuilder: true,
      ...overrides,
    },
    { projectName: 'api', projectRoot: '.', workspaceRoot: root },
    'x64',
  );
}

describe('createBuilderArgs', () => {
  it('builds create arguments with driver options', () => {
    expect(
      createBuilderArgs(
        options({
          builderDriverOpts: ['network=host', 'image=moby/buildkit:v0.23.0'],
        }),
      ),
    ).toEqual([
      'buildx',
      'create',
      '--name',
      'api-builder',
      '--driver',
      'docker-container',
      '--driver-opt',
      'network=host',
      '--driver-opt',
      'image=moby/buildkit:v0.23.0',
      '--platform',
      'linux/amd64,linux/arm64',
      '--bootstrap',
    ]);
  });
});

describe('ensureBuilder', () => {
  beforeEach(() => run.mockReset());

  it('leaves builders alone without createBuilder', async () => {
    await expect(
      ensureBuilder(options({ createBuilder: false })),
    ).resolves.toBe('unmanaged');
    expect(run).not.toHaveBeenCalled();
  });

  it('reuses an existing builder', async () => {
    run.mockResolvedValueOnce(result(0));
    await expect(ensureBuilder(options())).resolves.toBe('reused');
    expect(run.mock.calls.map((call) => call[1])).toEqual([
      ['buildx', 'inspect', 'api-builder'],
    ]);
  });

  it('creates a missing builder once', async () => {
    run
      .mockResolvedValueOnce(result(1, 'ERROR: no builder "api-builder" found'))
      .mockResolvedValueOnce(result(0));
    await expect(ensureBuilder(options())).resolves.toBe('created');
    expect(run.mock.calls[1][1]).toEqual(createBuilderArgs(options()));
  });

  it('removes a builder whose start failed', async () => {
    run
      .mockResolvedValueOnce(result(1, 'ERROR: no builder "api-builder" found'))
      .mockResolvedValueOnce(
        result(1, 'ERROR: failed to pull moby/buildkit:buildx-stable-1'),
      )
      .mockResolvedValueOnce(result(0));
    await expect(ensureBuilder(options())).rejects.toThrow(
      'Creating the buildx builder "api-builder" with the "docker-container" driver failed (ERROR: failed to pull moby/buildkit:buildx-stable-1); nothing was left behind. Check the driver options, or pass --builder with an existing builder and --createBuilder=false.',
    );
    expect(run.mock.calls[2][1]).toEqual(['buildx', 'rm', 'api-builder']);
  });

  it('names the manual cleanup when removal fails', async () => {
    run
      .mockResolvedValueOnce(result(1))
      .mockResolvedValueOnce(result(1, 'ERROR: boom'))
      .mockResolvedValueOnce(result(1, 'ERROR: builder is in use'));
    await expect(ensureBuilder(options())).rejects.toThrow(
      'Creating the buildx builder "api-builder" with the "docker-container" driver failed (ERROR: boom); removing it failed too (ERROR: builder is in use), so run "docker buildx rm api-builder". Check the driver options, or pass --builder with an existing builder and --createBuilder=false.',
    );
  });
});

describe('createBuilder without a name', () => {
  it('is rejected with the fix', () => {
    expect(() => options({ builder: undefined })).toThrow(
      'The option "createBuilder" of project "api" needs a builder name. Set "builder", for example "builder": "api-builder".',
    );
  });
});
