import { UserError } from '../../../utils/errors';
import type { DockerBuildExecutorSchema } from '../schema';
import { defaultImageName, normalizeOptions } from './normalize-options';

const location = {
  projectName: 'api',
  projectRoot: 'apps/api',
  workspaceRoot: '/ws',
};

function normalize(options: DockerBuildExecutorSchema) {
  return normalizeOptions(options, location, 'x64');
}

describe('normalizeOptions', () => {
  it('fills in every default', () => {
    expect(normalize({})).toEqual({
      projectName: 'api',
      workspaceRoot: '/ws',
      platforms: ['linux/amd64'],
      image: 'api',
      tags: ['latest'],
      context: '/ws/apps/api',
      file: '/ws/apps/api/Dockerfile',
      buildContexts: {},
      target: undefined,
      variant: 'auto',
      pythonVersion: '3.13',
      buildArgs: {},
      labels: {},
      ociLabels: true,
      secrets: [],
      ssh: [],
      network: undefined,
      load: true,
      push: false,
      outputs: [],
      archive: false,
      noCache: false,
      pull: false,
      provenance: undefined,
      sbom: undefined,
      builder: undefined,
      createBuilder: false,
      builderDriver: 'docker-container',
      builderDriverOpts: [],
      cacheFrom: [],
      cacheTo: [],
      progress: 'plain',
      outputPath: '/ws/dist/docker/apps/api',
      metadataFile: undefined,
      dryRun: false,
      quiet: false,
    });
  });

  it('resolves native with the given arch', () => {
    expect(normalizeOptions({}, location, 'arm64').platforms).toEqual([
      'linux/arm64',
    ]);
  });

  it('resolves and deduplicates platforms', () => {
    expect(
      normalize({ platforms: 'amd64,aarch64,linux/arm64' }).platforms,
    ).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it('resolves relative paths against the workspace', () => {
    const options = normalize({
      context: 'services/api',
      file: 'docker/api.Dockerfile',
      outputPath: 'out/api',
    });

    expect(options.context).toBe('/ws/services/api');
    expect(options.file).toBe('/ws/docker/api.Dockerfile');
    expect(options.outputPath).toBe('/ws/out/api');
  });

  it('keeps absolute paths unchanged', () => {
    const options = normalize({
      context: '/src/api',
      file: '/src/api/Dockerfile.prod',
      outputPath: '/out/api',
    });

    expect(options.context).toBe('/src/api');
    expect(options.file).toBe('/src/api/Dockerfile.prod');
    expect(options.outputPath).toBe('/out/api');
  });

  it('resolves build contexts against the workspace', () => {
    const options = normalize({
      buildContexts: { shared: 'libs/shared', base: '/opt/base' },
    });

    expect(options.buildContexts).toEqual({
      shared: '/ws/libs/shared',
      base: '/opt/base',
    });
  });

  it('keeps project Dockerfile with root context', () => {
    expect(normalize({ context: '.' }).file).toBe('/ws/apps/api/Dockerfile');
  });

  it('disables load when pushing', () => {
    expect(normalize({ push: true }).load).toBe(false);
  });

  it('keeps an explicit load with push', () => {
    expect(normalize({ push: true, load: true }).load).toBe(true);
  });

  it('keeps an explicit load of false', () => {
    expect(normalize({ load: false }).load).toBe(false);
  });

  it('derives the image from the project', () => {
    const options = normalizeOptions(
      {},
      { ...location, projectName: '@acme/Billing_API' },
      'x64',
    );

    expect(options.image).toBe('acme/billing_api');
  });

  it('keeps an explicit image', () => {
    expect(normalize({ image: '127.0.0.1:5000/team/api' }).image).toBe(
      '127.0.0.1:5000/team/api',
    );
  });

  it('deduplicates tags in order', () => {
    expect(normalize({ tags: ['1.0', 'latest', '1.0'] }).tags).toEqual([
      '1.0',
      'latest',
    ]);
  });

  test.each([
    { name: 'boolean false', provenance: false, expected: 'false' },
    { name: 'boolean true', provenance: true, expected: 'true' },
    { name: 'mode=max', provenance: 'mode=max', expected: 'mode=max' },
  ])('turns provenance $name into text', ({ provenance, expected }) => {
    expect(normalize({ provenance }).provenance).toBe(expected);
  });

  it('turns secrets into buildx values', () => {
    const options = normalize({
      secrets: [
        { id: 'pypi_token', env: 'PYPI_TOKEN' },
        { id: 'netrc', src: 'secrets/netrc' },
      ],
    });

    expect(options.secrets).toEqual([
      'id=pypi_token,env=PYPI_TOKEN',
      'id=netrc,src=/ws/secrets/netrc',
    ]);
  });

  it('resolves output destinations against the workspace', () => {
    const options = normalize({
      outputs: ['type=oci,dest=dist/api.oci.tar', 'type=registry'],
    });

    expect(options.outputs).toEqual([
      'type=oci,dest=/ws/dist/api.oci.tar',
      'type=registry',
    ]);
  });

  it('resolves the combined metadata file', () => {
    expect(normalize({ metadataFile: 'dist/metadata.json' }).metadataFile).toBe(
      '/ws/dist/metadata.json',
    );
  });

  it('turns sbom true into text', () => {
    expect(normalize({ sbom: true }).sbom).toBe('true');
  });

  it('rejects an unknown option', () => {
    const options = { platfroms: 'amd64' } as DockerBuildExecutorSchema;

    expect(() => normalize(options)).toThrow(
      'Invalid docker-build options for project "api":\n✖ Unrecognized key: "platfroms"',
    );
  });

  it('throws a UserError for invalid options', () => {
    const options = { platfroms: 'amd64' } as DockerBuildExecutorSchema;

    expect(() => normalize(options)).toThrow(UserError);
  });

  it('rejects an invalid image name', () => {
    expect(() => normalize({ image: 'Team/API' })).toThrow(
      'Invalid docker-build options for project "api":\n✖ "Team/API" is not an image repository: use lowercase letters, digits and separators, such as api or 127.0.0.1:5000/team/api\n  → at image',
    );
  });

  it('rejects an image with a tag', () => {
    expect(() => normalize({ image: 'api:1.0' })).toThrow(
      'Invalid docker-build options for project "api":\n✖ "api:1.0" is not an image repository: use lowercase letters, digits and separators, such as api or 127.0.0.1:5000/team/api\n  → at image',
    );
  });

  it('rejects an invalid tag', () => {
    expect(() => normalize({ tags: ['latest', '-rc'] })).toThrow(
      'Invalid docker-build options for project "api":\n✖ "-rc" is not a Docker tag: use letters, digits, "_", "." and "-", at most 128 characters\n  → at tags[1]',
    );
  });

  it('rejects a tag of 129 characters', () => {
    expect(() => normalize({ tags: ['a'.repeat(129)] })).toThrow(
      `Invalid docker-build options for project "api":\n✖ "${'a'.repeat(129)}" is not a Docker tag: use letters, digits, "_", "." and "-", at most 128 characters\n  → at tags[0]`,
    );
  });

  it('rejects an empty tag list', () => {
    expect(() => normalize({ tags: [] })).toThrow(
      'Invalid docker-build options for project "api":\n✖ Too small: expected array to have >=1 items\n  → at tags',
    );
  });

  it('rejects an invalid build-arg name', () => {
    expect(() => normalize({ buildArgs: { 'PIP-INDEX': 'x' } })).toThrow(
      'Invalid docker-build options for project "api":\n✖ must be a build argument name such as PYTHON_IMAGE\n  → at buildArgs["PIP-INDEX"]',
    );
  });

  it('rejects an invalid build context name', () => {
    expect(() =>
      normalize({ buildContexts: { Shared: 'libs/shared' } }),
    ).toThrow(
      'Invalid docker-build options for project "api":\n✖ must be a lowercase context name such as shared\n  → at buildContexts.Shared',
    );
  });

  it('rejects an inline secret value', () => {
    const secrets = [
      { id: 'pypi_token', value: 's3cret' },
    ] as unknown as DockerBuildExecutorSchema['secrets'];

    expect(() => normalize({ secrets })).toThrow(
      'Invalid docker-build options for project "api":\n✖ must be {"id": ..., "env": ...} or {"id": ..., "src": ...}; inline values are not accepted, so that no secret enters argv, logs or the cache hash\n  → at secrets[0]',
    );
  });

  it('rejects an invalid secret id', () => {
    expect(() =>
      normalize({ secrets: [{ id: 'pypi token', env: 'PYPI_TOKEN' }] }),
    ).toThrow(
      'Invalid docker-build options for project "api":\n✖ must be a secret id such as pypi_token\n  → at secrets[0].id',
    );
  });

  it('rejects an output without exporter', () => {
    expect(() => normalize({ outputs: ['dest=dist/api.tar'] })).toThrow(
      'Invalid docker-build options for project "api":\n✖ must name an exporter, for example type=oci,dest=dist/api.oci.tar\n  → at outputs[0]',
    );
  });

  it('rejects an invalid Python version', () => {
    expect(() => normalize({ pythonVersion: '3' })).toThrow(
      'Invalid docker-build options for project "api":\n✖ must be a Python version such as 3.13\n  → at pythonVersion',
    );
  });

  it('rejects an unknown network mode', () => {
    const options = {
      network: 'bridge',
    } as unknown as DockerBuildExecutorSchema;

    expect(() => normalize(options)).toThrow(
      'Invalid docker-build options for project "api":\n✖ Invalid option: expected one of "default"|"host"|"none"\n  → at network',
    );
  });

  it('reports every invalid option together', () => {
    expect(() => normalize({ image: 'API', tags: ['-rc'] })).toThrow(
      'Invalid docker-build options for project "api":\n' +
        '✖ "API" is not an image repository: use lowercase letters, digits and separators, such as api or 127.0.0.1:5000/team/api\n  → at image\n' +
        '✖ "-rc" is not a Docker tag: use letters, digits, "_", "." and "-", at most 128 characters\n  → at tags[0]',
    );
  });

  it('rejects an unknown platform', () => {
    expect(() => normalize({ platforms: 'sparc' })).toThrow(
      'Unknown platform "sparc". Use one of: ',
    );
  });
});

describe('defaultImageName', () => {
  test.each([
    { projectName: 'api', image: 'api' },
    { projectName: '@acme/api', image: 'acme/api' },
    { projectName: 'Billing API', image: 'billing-api' },
    { projectName: '-api-', image: 'api' },
  ])('turns $projectName into $image', ({ projectName, image }) => {
    expect(defaultImageName(projectName)).toBe(image);
  });

  it('rejects a name without letters or digits', () => {
    expect(() => defaultImageName('@@@')).toThrow(
      'No image name can be derived from project "@@@". Set the "image" option of its docker-build target, for example "image": "api".',
    );
  });

  it('rejects a name with repeated dots', () => {
    expect(() => defaultImageName('api..v2')).toThrow(
      'No image name can be derived from project "api..v2". Set the "image" option of its docker-build target, for example "image": "api".',
    );
  });

  it('fails normalizeOptions without an image', () => {
    expect(() =>
      normalizeOptions({}, { ...location, projectName: '@@@' }, 'x64'),
    ).toThrow(
      'No image name can be derived from project "@@@". Set the "image" option of its docker-build target, for example "image": "api".',
    );
  });

  it('skips derivation with explicit image', () => {
    const options = normalizeOptions(
      { image: 'api' },
      { ...location, projectName: '@@@' },
      'x64',
    );

    expect(options.image).toBe('api');
  });
});

describe('normalizeOptions secrets', () => {
  it('rejects an inline secret value', () => {
    expect(() =>
      normalizeOptions(
        { secrets: [{ id: 'token', value: 'hunter2' } as never] },
        { projectName: 'api', projectRoot: 'apps/api', workspaceRoot: '/ws' },
        'x64',
      ),
    ).toThrow(
      'Invalid docker-build options for project "api":\n✖ must be {"id": ..., "env": ...} or {"id": ..., "src": ...}; inline values are not accepted, so that no secret enters argv, logs or the cache hash\n  → at secrets[0]',
    );
  });
});
