import { UserError } from '../../../utils/errors';
import {
  PLATFORM_ALIASES,
  acceptedPlatformNames,
  nativePlatform,
  normalizePlatforms,
  platformSuffix,
  resolvePlatform,
} from './platforms';

const ACCEPTED_NAMES =
  '386, amd64, x86_64, x86-64, arm64, aarch64, arm64/v8, arm, armv7, armhf, arm/v7, armv6, armel, arm/v6, i386, ppc64le, s390x, riscv64, ' +
  'linux/arm64/v8, linux/386, linux/amd64, linux/arm64, linux/arm/v7, linux/arm/v6, linux/ppc64le, linux/s390x, linux/riscv64, native';

describe('resolvePlatform', () => {
  test.each(Object.entries(PLATFORM_ALIASES))(
    'maps alias %s to %s',
    (alias, platform) => {
      expect(resolvePlatform(alias)).toBe(platform);
    },
  );

  test.each([...new Set(Object.values(PLATFORM_ALIASES))])(
    'keeps canonical %s unchanged',
    (platform) => {
      expect(resolvePlatform(platform)).toBe(platform);
    },
  );

  it('maps linux/arm64/v8 to linux/arm64', () => {
    expect(resolvePlatform('linux/arm64/v8')).toBe('linux/arm64');
  });

  it('ignores case and surrounding spaces', () => {
    expect(resolvePlatform('  Linux/AMD64 ')).toBe('linux/amd64');
  });

  it('resolves native on x64', () => {
    expect(resolvePlatform('native', 'x64')).toBe('linux/amd64');
  });

  it('resolves native on arm64', () => {
    expect(resolvePlatform('native', 'arm64')).toBe('linux/arm64');
  });

  it('returns undefined for unknown names', () => {
    expect(resolvePlatform('windows/amd64')).toBeUndefined();
  });
});

describe('nativePlatform', () => {
  it('rejects an unmapped CPU architecture', () => {
    expect(() => nativePlatform('mips')).toThrow(
      'The platform "native" cannot be resolved on CPU architecture "mips". Name the platform explicitly, for example --platforms=linux/amd64.',
    );
  });
});

describe('normalizePlatforms', () => {
  it('splits a comma-separated string', () => {
    expect(normalizePlatforms('linux/amd64,linux/arm64')).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
  });

  it('accepts an array of names', () => {
    expect(normalizePlatforms(['amd64', 'arm64'])).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
  });

  it('splits commas inside array entries', () => {
    expect(normalizePlatforms(['amd64, arm/v7', 's390x'])).toEqual([
      'linux/amd64',
      'linux/arm/v7',
      'linux/s390x',
    ]);
  });

  it('deduplicates names after resolving them', () => {
    expect(normalizePlatforms('arm64,aarch64,linux/arm64')).toEqual([
      'linux/arm64',
    ]);
  });

  it('keeps the order of first occurrence', () => {
    expect(normalizePlatforms('arm64,amd64,aarch64,x86_64')).toEqual([
      'linux/arm64',
      'linux/amd64',
    ]);
  });

  it('drops empty entries between commas', () => {
    expect(normalizePlatforms(' amd64,, ,arm64, ')).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
  });

  it('resolves native with the given arch', () => {
    expect(normalizePlatforms('native,linux/amd64', 'x64')).toEqual([
      'linux/amd64',
    ]);
  });

  it('rejects one unknown name', () => {
    expect(() => normalizePlatforms('amd64,sparc')).toThrow(
      `Unknown platform "sparc". Use one of: ${ACCEPTED_NAMES}.`,
    );
  });

  it('reports every unknown name together', () => {
    expect(() => normalizePlatforms(['sparc', 'amd64', 'mips'])).toThrow(
      `Unknown platforms "sparc", "mips". Use one of: ${ACCEPTED_NAMES}.`,
    );
  });

  it('names a repeated unknown name once', () => {
    expect(() => normalizePlatforms('sparc,sparc')).toThrow(
      `Unknown platform "sparc". Use one of: ${ACCEPTED_NAMES}.`,
    );
  });

  it('throws a UserError for unknown names', () => {
    expect(() => normalizePlatforms('sparc')).toThrow(UserError);
  });

  it('rejects an empty string', () => {
    expect(() => normalizePlatforms('')).toThrow(
      'No platform was given. Pass --platforms, for example --platforms=linux/amd64,linux/arm64.',
    );
  });

  it('rejects only commas and spaces', () => {
    expect(() => normalizePlatforms(' , ,')).toThrow(
      'No platform was given. Pass --platforms, for example --platforms=linux/amd64,linux/arm64.',
    );
  });

  it('rejects an empty array', () => {
    expect(() => normalizePlatforms([])).toThrow(
      'No platform was given. Pass --platforms, for example --platforms=linux/amd64,linux/arm64.',
    );
  });
});

describe('acceptedPlatformNames', () => {
  it('lists aliases, canonical forms and native', () => {
    expect(acceptedPlatformNames().join(', ')).toBe(ACCEPTED_NAMES);
  });
});

describe('platformSuffix', () => {
  test.each([
    { platform: 'linux/amd64', suffix: 'amd64' },
    { platform: 'linux/arm64', suffix: 'arm64' },
    { platform: 'linux/arm/v7', suffix: 'arm-v7' },
  ])('turns $platform into $suffix', ({ platform, suffix }) => {
    expect(platformSuffix(platform)).toBe(suffix);
  });
});
