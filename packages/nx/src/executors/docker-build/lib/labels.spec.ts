import { labelsFromPyproject, redactRemoteUrl } from './labels';

describe('labelsFromPyproject', () => {
  it('maps PEP 621 fields to OCI labels', () => {
    const text = [
      '[project]',
      'name = "orders-api"',
      'version = "1.4.0"',
      'description = "Orders service"',
      'license = "MIT"',
    ].join('\n');
    expect(labelsFromPyproject(text)).toEqual({
      'org.opencontainers.image.title': 'orders-api',
      'org.opencontainers.image.version': '1.4.0',
      'org.opencontainers.image.description': 'Orders service',
      'org.opencontainers.image.licenses': 'MIT',
    });
  });

  it('reads a license table', () => {
    expect(
      labelsFromPyproject(
        '[project]\nname = "a"\nlicense = { text = "Apache-2.0" }\n',
      ),
    ).toEqual({
      'org.opencontainers.image.title': 'a',
      'org.opencontainers.image.licenses': 'Apache-2.0',
    });
  });

  it('skips empty fields', () => {
    expect(
      labelsFromPyproject('[project]\nname = "a"\ndescription = ""\n'),
    ).toEqual({
      'org.opencontainers.image.title': 'a',
    });
  });

  it('returns nothing for invalid TOML', () => {
    expect(labelsFromPyproject('[project\nname = ')).toEqual({});
  });

  it('returns nothing without a project table', () => {
    expect(labelsFromPyproject('[tool.poetry]\nname = "legacy"\n')).toEqual({});
  });
});

describe('redactRemoteUrl', () => {
  it('removes credentials from https remotes', () => {
    expect(
      redactRemoteUrl('https://user:token@example.com/team/repo.git'),
    ).toBe('https://example.com/team/repo.git');
  });

  it('keeps scp-style remotes', () => {
    expect(redactRemoteUrl('git@example.com:team/repo.git')).toBe(
      'git@example.com:team/repo.git',
    );
  });
});
