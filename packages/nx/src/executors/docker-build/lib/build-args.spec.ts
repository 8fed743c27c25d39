import {
  buildArgs,
  scopeCache,
  redactArgs,
  imagetoolsCreateArgs,
  multiPlatformLoadArgs,
  outputForPlatform,
  planBuilds,
} from './build-args';
import type { DockerBuildExecutorSchema } from '../schema';
import { normalizeOptions } from './normalize-options';
import type { NormalizedDockerBuildOptions } from './normalize-options';

const METADATA = '/tmp/meta';
const CONTEXT = '/ws/apps/api';
const DOCKERFILE = '/ws/apps/api/Dockerfile';
const BOTH = ['linux/amd64', 'linux/arm64'];

function normalized(
  input: DockerBuildExecutorSchema = {},
): NormalizedDockerBuildOptions {
  return normalizeOptions(
    { platforms: 'linux/amd64', ...input },
    { projectName: 'api', projectRoot: 'apps/api', workspaceRoot: '/ws' },
    'x64',
  );
}

/** Returns the arguments that every build starts with, before any optional flag. */
function head(platform: string, progress = 'plain'): string[] {
  return [
    'buildx',
    'build',
    '--platform',
    platform,
    '--file',
    DOCKERFILE,
    '--progress',
    progress,
  ];
}

function tail(suffix: string): string[] {
  return ['--metadata-file', `${METADATA}/metadata-${suffix}.json`, CONTEXT];
}

describe('planBuilds', () => {
  test.each<{
    name: string;
    options: DockerBuildExecutorSchema;
    expected: string[][];
  }>([
    {
      name: 'loads one platform under plain tags',
      options: {},
      expected: [
        [
          ...head('linux/amd64'),
          '--tag',
          'api:latest',
          '--load',
          ...tail('amd64'),
        ],
      ],
    },
    {
      name: 'loads two platforms under suffixed tags',
      options: { platforms: BOTH },
      expected: [
        [
          ...head('linux/amd64'),
          '--tag',
          'api:latest-amd64',
          '--load',
          ...tail('amd64'),
        ],
        [
          ...head('linux/arm64'),
          '--tag',
          'api:latest-arm64',
          '--load',
          ...tail('arm64'),
        ],
      ],
    },
    {
      name: 'suffixes every tag per platform',
      options: { platforms: BOTH, tags: ['latest', '1.0'] },
      expected: [
        [
          ...head('linux/amd64'),
          '--tag',
          'api:latest-amd64',
          '--tag',
          'api:1.0-amd64',
          '--load',
          ...tail('amd64'),
        ],
        [
          ...head('linux/arm64'),
          '--tag',
          'api:latest-arm64',
          '--tag',
          'api:1.0-arm64',
          '--load',
          ...tail('arm64'),
        ],
      ],
    },
    {
      name: 'pushes one platform under its tags',
      options: {
        image: '127.0.0.1:5000/team/api',
        tags: ['latest', '1.0'],
        load: false,
        push: true,
      },
      expected: [
        [
          ...head('linux/amd64'),
          '--tag',
          '127.0.0.1:5000/team/api:latest',
          '--tag',
          '127.0.0.1:5000/team/api:1.0',
          '--push',
          ...tail('amd64'),
        ],
      ],
    },
    {
      name: 'pushes two platforms under suffixed tags',
      options: {
        image: '127.0.0.1:5000/team/api',
        platforms: BOTH,
        load: false,
        push: true,
      },
      expected: [
        [
          ...head('linux/amd64'),
          '--tag',
          '127.0.0.1:5000/team/api:latest-amd64',
          '--push',
          ...tail('amd64'),
        ],
        [
          ...head('linux/arm64'),
          '--tag',
          '127.0.0.1:5000/team/api:latest-arm64',
          '--push',
          ...tail('arm64'),
        ],
      ],
    },
    {
      name: 'adds no output without load or push',
      options: { load: false },
      expected: [[...head('linux/amd64'), ...tail('amd64')]],
    },
    {
      name: 'names arm/v7 metadata arm-v7',
      options: { platforms: ['linux/arm/v7'] },
      expected: [
        [
          ...head('linux/arm/v7'),
          '--tag',
          'api:latest',
          '--load',
          ...tail('arm-v7'),
        ],
      ],
    },
  ])('$name', ({ options, expected }) => {
    const builds = planBuilds(normalized(options), METADATA);

    expect(builds.map((build) => build.args)).toEqual(expected);
  });

  it('lists suffixed references per platform', () => {
    const builds = planBuilds(normalized({ platforms: BOTH }), METADATA);

    expect(builds.map((build) => build.references)).toEqual([
      ['api:latest-amd64'],
      ['api:latest-arm64'],
    ]);
  });

  it('names one metadata file per platform', () => {
    const builds = planBuilds(normalized({ platforms: BOTH }), METADATA);

    expect(builds.map((build) => build.metadataFile)).toEqual([
      '/tmp/meta/metadata-amd64.json',
      '/tmp/meta/metadata-arm64.json',
    ]);
  });
});

describe('buildArgs', () => {
  const target = {
    platform: 'linux/arm64',
    references: ['api:latest'],
    metadataFile: `${METADATA}/metadata-arm64.json`,
  };
  const loadTail = ['--tag', 'api:latest', '--load', ...tail('arm64')];

  test.each<{
    name: string;
    options: DockerBuildExecutorSchema;
    expected: string[];
  }>([
    {
      name: 'passes the builder first',
      options: { builder: 'multiarch' },
      expected: [
        'buildx',
        'build',
        '--builder',
        'multiarch',
        ...head('linux/arm64').slice(2),
        ...loadTail,
      ],
    },
    {
      name: 'adds named build contexts',
      options: {
        buildContexts: { shared: 'libs/shared', base: '/ws/docker/base' },
      },
      expected: [
        ...head('linux/arm64'),
        '--build-context',
        'shared=/ws/libs/shared',
        '--build-context',
        'base=/ws/docker/base',
        ...loadTail,
      ],
    },
    {
      name: 'adds the target stage',
      options: { target: 'runtime' },
      expected: [...head('linux/arm64'), '--target', 'runtime', ...loadTail],
    },
    {
      name: 'adds the network mode',
      options: { network: 'host' },
      expected: [...head('linux/arm64'), '--network', 'host', ...loadTail],
    },
    {
      name: 'adds build args in order',
      options: {
        buildArgs: {
          PYTHON_IMAGE: 'python:3.13-slim',
          PIP_INDEX_URL: 'https://pypi.org/simple',
        },
      },
      expected: [
        ...head('linux/arm64'),
        '--build-arg',
        'PYTHON_IMAGE=python:3.13-slim',
        '--build-arg',
        'PIP_INDEX_URL=https://pypi.org/simple',
        ...loadTail,
      ],
    },
    {
      name: 'adds labels in order',
      options: {
        labels: {
          'org.opencontainers.image.source': 'https://example.com/api',
          team: 'platform',
        },
      },
      expected: [
        ...head('linux/arm64'),
        '--label',
        'org.opencontainers.image.source=https://example.com/api',
        '--label',
        'team=platform',
        ...loadTail,
      ],
    },
    {
      name: 'adds cache sources and destinations',
      options: {
        cacheFrom: ['type=registry,ref=127.0.0.1:5000/api:cache', 'api:1.0'],
        cacheTo: ['type=inline'],
      },
      expected: [
        ...head('linux/arm64'),
        '--cache-from',
        'type=registry,ref=127.0.0.1:5000/api:cache',
        '--cache-from',
        'api:1.0',
        '--cache-to',
        'type=inline',
        ...loadTail,
      ],
    },
    {
      name: 'adds secrets and ssh sockets',
      options: {
        secrets: [{ id: 'pypi_token', env: 'PYPI_TOKEN' }],
        ssh: ['default'],
      },
      expected: [
        ...head('linux/arm64'),
        '--secret',
        'id=pypi_token,env=PYPI_TOKEN',
        '--ssh',
        'default',
        ...loadTail,
      ],
    },
    {
      name: 'adds --no-cache when set',
      options: { noCache: true },
      expected: [...head('linux/arm64'), '--no-cache', ...loadTail],
    },
    {
      name: 'adds --pull when set',
      options: { pull: true },
      expected: [...head('linux/arm64'), '--pull', ...loadTail],
    },
    {
      name: 'passes provenance false',
      options: { provenance: false },
      expected: [...head('linux/arm64'), '--provenance=false', ...loadTail],
    },
    {
      name: 'passes provenance mode=max',
      options: { provenance: 'mode=max' },
      expected: [...head('linux/arm64'), '--provenance=mode=max', ...loadTail],
    },
    {
      name: 'passes the sbom value',
      options: { sbom: true },
      expected: [...head('linux/arm64'), '--sbom=true', ...loadTail],
    },
    {
      name: 'adds outputs after the load',
      options: { outputs: ['type=oci,dest=dist/api.oci.tar'] },
      expected: [
        ...head('linux/arm64'),
        '--tag',
        'api:latest',
        '--load',
        '--output',
        'type=oci,dest=/ws/dist/api.oci.tar',
        ...tail('arm64'),
      ],
    },
    {
      name: 'passes the progress style',
      options: { progress: 'rawjson' },
      expected: [...head('linux/arm64', 'rawjson'), ...loadTail],
    },
    {
      name: 'orders every flag together',
      options: {
        builder: 'multiarch',
        buildContexts: { shared: 'libs/shared' },
        target: 'runtime',
        network: 'none',
        buildArgs: { PYTHON_IMAGE: 'python:3.13-slim' },
        labels: { team: 'platform' },
        cacheFrom: ['type=gha'],
        cacheTo: ['type=gha,mode=max'],
        noCache: true,
        pull: true,
        provenance: true,
        progress: 'quiet',
      },
      expected: [
        'buildx',
        'build',
        '--builder',
        'multiarch',
        '--platform',
        'linux/arm64',
        '--file',
        DOCKERFILE,
        '--progress',
        'quiet',
        '--build-context',
        'shared=/ws/libs/shared',
        '--target',
        'runtime',
        '--network',
        'none',
        '--build-arg',
        'PYTHON_IMAGE=python:3.13-slim',
        '--label',
        'team=platform',
        '--cache-from',
        'type=gha,scope=api-arm64',
        '--cache-to',
        'type=gha,mode=max,scope=api-arm64',
        '--no-cache',
        '--pull',
        '--provenance=true',
        ...loadTail,
      ],
    },
  ])('$name', ({ options, expected }) => {
    expect(buildArgs(normalized(options), target)).toEqual(expected);
  });

  it('tags a single-platform push', () => {
    const args = buildArgs(normalized({ load: false, push: true }), target);

    expect(args).toEqual([
      ...head('linux/arm64'),
      '--tag',
      'api:latest',
      '--push',
      ...tail('arm64'),
    ]);
  });
});

describe('outputForPlatform', () => {
  test.each([
    {
      name: 'keeps dest for one platform',
      output: 'type=oci,dest=/ws/dist/api.oci.tar',
      several: false,
      expected: 'type=oci,dest=/ws/dist/api.oci.tar',
    },
    {
      name: 'suffixes dest before its extensions',
      output: 'type=oci,dest=/ws/dist/api.oci.tar',
      several: true,
      expected: 'type=oci,dest=/ws/dist/api-arm-v7.oci.tar',
    },
    {
      name: 'suffixes dest without extension',
      output: 'type=local,dest=/ws/dist/out',
      several: true,
      expected: 'type=local,dest=/ws/dist/out-arm-v7',
    },
    {
      name: 'ignores dots in folder names',
      output: 'type=tar,dest=/ws/.cache/image.tar',
      several: true,
      expected: 'type=tar,dest=/ws/.cache/image-arm-v7.tar',
    },
    {
      name: 'replaces the {platform} placeholder',
      output: 'type=local,dest=/ws/dist/{platform}/out',
      several: false,
      expected: 'type=local,dest=/ws/dist/arm-v7/out',
    },
    {
      name: 'keeps outputs without dest',
      output: 'type=registry,compression=zstd',
      several: true,
      expected: 'type=registry,compression=zstd',
    },
  ])('$name', ({ output, several, expected }) => {
    expect(outputForPlatform(output, 'linux/arm/v7', several)).toBe(expected);
  });
});

describe('multiPlatformLoadArgs', () => {
  it('loads every platform under plain tags', () => {
    const options = normalized({
      platforms: BOTH,
      push: true,
      outputs: ['type=oci,dest=dist/api.oci.tar'],
      cacheTo: ['type=inline'],
    });

    expect(multiPlatformLoadArgs(options)).toEqual([
      ...head('linux/amd64,linux/arm64'),
      '--tag',
      'api:latest',
      '--load',
      CONTEXT,
    ]);
  });
});

describe('imagetoolsCreateArgs', () => {
  const digests = ['sha256:aaa', 'sha256:bbb'];

  it('tags the digests under every tag', () => {
    const options = normalized({
      image: '127.0.0.1:5000/api',
      tags: ['latest', '1.0'],
    });

    expect(imagetoolsCreateArgs(options, digests)).toEqual([
      'buildx',
      'imagetools',
      'create',
      '--tag',
      '127.0.0.1:5000/api:latest',
      '--tag',
      '127.0.0.1:5000/api:1.0',
      '127.0.0.1:5000/api@sha256:aaa',
      '127.0.0.1:5000/api@sha256:bbb',
    ]);
  });

  it('passes the builder when set', () => {
    const options = normalized({ builder: 'multiarch' });

    expect(imagetoolsCreateArgs(options, digests)).toEqual([
      'buildx',
      'imagetools',
      'create',
      '--builder',
      'multiarch',
      '--tag',
      'api:latest',
      'api@sha256:aaa',
      'api@sha256:bbb',
    ]);
  });
});

describe('redactArgs', () => {
  it('masks build arguments named like credentials', () => {
    expect(
      redactArgs([
        'buildx',
        '--build-arg',
        'PYPI_TOKEN=abc123',
        '--build-arg',
        'GITHUB_PASSWORD=hunter2',
        '--build-arg',
        'PYTHON_IMAGE=python:3.13-slim',
      ]),
    ).toEqual([
      'buildx',
      '--build-arg',
      'PYPI_TOKEN=***',
      '--build-arg',
      'GITHUB_PASSWORD=***',
      '--build-arg',
      'PYTHON_IMAGE=python:3.13-slim',
    ]);
  });

  it('masks credentials inside URLs', () => {
    expect(
      redactArgs([
        '--build-arg',
        'PIP_INDEX_URL=https://deploy:s3cret@pypi.example/simple',
      ]),
    ).toEqual([
      '--build-arg',
      'PIP_INDEX_URL=https://***:***@pypi.example/simple',
    ]);
  });

  it('keeps URLs without credentials', () => {
    expect(
      redactArgs([
        '--cache-from',
        'type=registry,ref=https://example.com/cache',
      ]),
    ).toEqual(['--cache-from', 'type=registry,ref=https://example.com/cache']);
  });
});

describe('scopeCache', () => {
  const project = { projectName: 'api', workspaceRoot: '/ws' };

  test.each([
    {
      name: 'scopes gha per project and platform',
      entry: 'type=gha',
      key: 'src' as const,
      expected: 'type=gha,scope=api-arm64',
    },
    {
      name: 'keeps an explicit gha scope',
      entry: 'type=gha,scope=shared',
      key: 'src' as const,
      expected: 'type=gha,scope=shared',
    },
    {
      name: 'gives local sources a folder',
      entry: 'type=local',
      key: 'src' as const,
      expected: 'type=local,src=/ws/tmp/docker-cache/api-arm64',
    },
    {
      name: 'gives local destinations a folder',
      entry: 'type=local,mode=max',
      key: 'dest' as const,
      expected: 'type=local,mode=max,dest=/ws/tmp/docker-cache/api-arm64',
    },
    {
      name: 'replaces the platform placeholder',
      entry: 'type=registry,ref=r/api:cache-{platform}',
      key: 'src' as const,
      expected: 'type=registry,ref=r/api:cache-arm64',
    },
    {
      name: 'keeps inline cache as is',
      entry: 'type=inline',
      key: 'dest' as const,
      expected: 'type=inline',
    },
  ])('$name', ({ entry, key, expected }) => {
    expect(scopeCache(entry, key, project, 'linux/arm64')).toBe(expected);
  });
});

describe('planBuilds with archive', () => {
  it('writes one named OCI archive per platform', () => {
    const builds = planBuilds(
      normalized({ platforms: BOTH, archive: true }),
      METADATA,
      '/ws/dist/docker/apps/api.partial-1',
    );
    expect(builds.map((build) => build.archive)).toEqual([
      'amd64.oci.tar',
      'arm64.oci.tar',
    ]);
    expect(builds[1].args).toContain(
      'type=oci,dest=/ws/dist/docker/apps/api.partial-1/arm64.oci.tar,name=api:latest-arm64',
    );
  });

  it('adds no archive by default', () => {
    const builds = planBuilds(
      normalized({ platforms: BOTH }),
      METADATA,
      '/staging',
    );
    expect(builds.map((build) => build.archive)).toEqual([
      undefined,
      undefined,
    ]);
  });
});
