import { UserError } from '../../../utils/errors';

/** Every accepted platform spelling and the buildx platform it stands for. */
export const PLATFORM_ALIASES: Readonly<Record<string, string>> = {
  amd64: 'linux/amd64',
  x86_64: 'linux/amd64',
  'x86-64': 'linux/amd64',
  arm64: 'linux/arm64',
  aarch64: 'linux/arm64',
  'arm64/v8': 'linux/arm64',
  arm: 'linux/arm/v7',
  armv7: 'linux/arm/v7',
  armhf: 'linux/arm/v7',
  'arm/v7': 'linux/arm/v7',
  armv6: 'linux/arm/v6',
  armel: 'linux/arm/v6',
  'arm/v6': 'linux/arm/v6',
  '386': 'linux/386',
  i386: 'linux/386',
  ppc64le: 'linux/ppc64le',
  s390x: 'linux/s390x',
  riscv64: 'linux/riscv64',
};

const NODE_ARCH_TO_PLATFORM: Readonly<Record<string, string>> = {
  x64: 'linux/amd64',
  arm64: 'linux/arm64',
  arm: 'linux/arm/v7',
  ia32: 'linux/386',
  ppc64: 'linux/ppc64le',
  s390x: 'linux/s390x',
  riscv64: 'linux/riscv64',
};

/** Returns the buildx platform of the machine this process runs on. */
export function nativePlatform(arch: string = process.arch): string {
  const platform = NODE_ARCH_TO_PLATFORM[arch];
  if (!platform) {
    throw new UserError(
      `The platform "native" cannot be resolved on CPU architecture "${arch}". Name the platform explicitly, for example --platforms=linux/amd64.`,
    );
  }
  return platform;
}

/** Maps one spelling to its `linux/<arch>[/<variant>]` form, or undefined when unknown. */
export function resolvePlatform(
  name: string,
  arch?: string,
): string | undefined {
  const key = name.trim().toLowerCase();
  if (key === 'native') {
    return nativePlatform(arch);
  }
  const withoutOs = key.startsWith('linux/') ? key.slice('linux/'.length) : key;
  if (withoutOs === 'arm64/v8') {
    return 'linux/arm64';
  }
  const direct = PLATFORM_ALIASES[withoutOs];
  if (direct) {
    return direct;
  }
  return Object.values(PLATFORM_ALIASES).includes(`linux/${withoutOs}`)
    ? `linux/${withoutOs}`
    : undefined;
}

/**
 * Splits, resolves and deduplicates requested platforms, keeping the first
 * occurrence's order. Unknown names are reported together.
 */
export function normalizePlatforms(
  requested: string | readonly string[],
  arch?: string,
): string[] {
  const names = (typeof requested === 'string' ? [requested] : requested)
    .flatMap((entry) => entry.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (names.length === 0) {
    throw new UserError(
      'No platform was given. Pass --platforms, for example --platforms=linux/amd64,linux/arm64.',
    );
  }
  const unknown = names.filter(
    (name) => resolvePlatform(name, arch) === undefined,
  );
  if (unknown.length > 0) {
    const distinct = [...new Set(unknown)];
    const quoted = distinct.map((name) => `"${name}"`).join(', ');
    throw new UserError(
      `Unknown ${distinct.length === 1 ? 'platform' : 'platforms'} ${quoted}. Use one of: ${acceptedPlatformNames().join(', ')}.`,
    );
  }
  return [
    ...new Set(names.map((name) => resolvePlatform(name, arch) as string)),
  ];
}

/** Lists every spelling that `normalizePlatforms` accepts, for help and errors. */
export function acceptedPlatformNames(): string[] {
  const canonical = [...new Set(Object.values(PLATFORM_ALIASES))];
  return [
    ...Object.keys(PLATFORM_ALIASES),
    'linux/arm64/v8',
    ...canonical,
    'native',
  ];
}

/** Returns the tag suffix for one platform: linux/arm/v7 becomes "arm-v7". */
export function platformSuffix(platform: string): string {
  return platform.replace(/^linux\//, '').replace(/\//g, '-');
}
