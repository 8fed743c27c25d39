import { buildArgs, imagetoolsCreateArgs, planBuilds } from './build-args';
import type { NormalizedDockerBuildOptions } from './normalize-options';

const METADATA = '/tmp/meta';
const CONTEXT = '/ws/apps/api';
const DOCKERFILE = '/ws/apps/api/Dockerfile';
const BOTH = ['linux/amd64', 'linux/arm64'];

function normalized(
  overrides: Partial<NormalizedDockerBuildOptions> = {},
): NormalizedDockerBuildOptions {
  return {
    projectName: 'api',
    workspaceRoot: '/ws',
    platforms: ['linux/amd64'],
    image: 'api',
    tags: ['latest'],
    context: CONTEXT,
    file: DOCKERFILE,
    buildArgs: {},
    labels: {},
    load: true,
    push: false,
    noCache: false,
    pull: false,
    cacheFrom: [],
    cacheTo: [],
    progress: 'plain',
    outputPath: '/ws/dist/docker/apps/api',
    dryRun: false,
    quiet: false,
    ...overrides,
  };
}

/** The arguments before any optional flag, as every build starts. */
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
    options: Partial<NormalizedDockerBuildOptions>;
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
      name: 'pushes two platforms by digest',
      options: {
        image: '127.0.0.1:5000/team/api',
        platforms: BOTH,
        load: false,
        push: true,
      },
      expected: [
        [
          ...head('linux/amd64'),
          '--output',
          'type=image,name=127.0.0.1:5000/team/api,push-by-digest=true,name-canonical=true,push=true',
          ...tail('amd64'),
        ],
        [
          ...head('linux/arm64'),
          '--output',
          'type=image,name=127.0.0.1:5000/team/api,push-by-digest=true,name-canonical=true,push=true',
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
    pushByDigest: false,
  };
  const loadTail = ['--tag', 'api:latest', '--load', ...tail('arm64')];

  test.each<{
    name: string;
    options: Partial<NormalizedDockerBuildOptions>;
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
      options: { provenance: 'false' },
      expected: [...head('linux/arm64'), '--provenance=false', ...loadTail],
    },
    {
      name: 'passes provenance mode=max',
      options: { provenance: 'mode=max' },
      expected: [...head('linux/arm64'), '--provenance=mode=max', ...loadTail],
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
        target: 'runtime',
        network: 'none',
        buildArgs: { PYTHON_IMAGE: 'python:3.13-slim' },
        labels: { team: 'platform' },
        cacheFrom: ['type=gha'],
        cacheTo: ['type=gha,mode=max'],
        noCache: true,
        pull: true,
        provenance: 'true',
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
        '--target',
        'runtime',
        '--network',
        'none',
        '--build-arg',
        'PYTHON_IMAGE=python:3.13-slim',
        '--label',
        'team=platform',
        '--cache-from',
        'type=gha',
        '--cache-to',
        'type=gha,mode=max',
        '--no-cache',
        '--pull',
        '--provenance=true',
        ...loadTail,
      ],
    },
  ])('$name', ({ options, expected }) => {
    expect(buildArgs(normalized(options), target)).toEqual(expected);
  });

  it('adds tags and --push for a tagged push', () => {
    const args = buildArgs(normalized({ load: false, push: true }), target);

    expect(args).toEqual([
      ...head('linux/arm64'),
      '--tag',
      'api:latest',
      '--push',
      ...tail('arm64'),
    ]);
  });

  it('pushes by digest without tags', () => {
    const args = buildArgs(normalized({ load: false, push: true }), {
      ...target,
      pushByDigest: true,
    });

    expect(args).toEqual([
      ...head('linux/arm64'),
      '--output',
      'type=image,name=api,push-by-digest=true,name-canonical=true,push=true',
      ...tail('arm64'),
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
