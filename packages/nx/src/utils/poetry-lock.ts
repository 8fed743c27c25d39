import { parse } from 'smol-toml';
import { UserError } from './errors';
import { MAX_GLIBC_MINOR } from './versions';
import { evaluateMarker } from './pep508-marker';
import type { MarkerEnvironment } from './pep508-marker';

/** The final Dockerfile stage to build, with the reason for the choice. */
export interface BuildVariantChoice {
  variant: 'cross' | 'emulated';
  reason: string;
}

export interface ChooseBuildVariantInput {
  /** Text of a poetry.lock file. */
  lockText: string;
  /** Buildx platforms such as linux/amd64, linux/arm64, linux/arm/v7. */
  platforms: string[];
  /** Python version of the image, such as 3.13. */
  pythonVersion: string;
}

/** Wheel architecture of each buildx platform that has manylinux wheels. */
export const MANYLINUX_ARCHES: Record<string, string> = {
  'linux/amd64': 'x86_64',
  'linux/arm64': 'aarch64',
  'linux/arm64/v8': 'aarch64',
  'linux/arm/v7': 'armv7l',
  'linux/386': 'i686',
  'linux/ppc64le': 'ppc64le',
  'linux/s390x': 's390x',
};

// The legacy manylinux names and the glibc version each stands for (PEP 600).
const LEGACY_MANYLINUX_GLIBC: Record<string, number> = {
  manylinux1: 5,
  manylinux2010: 12,
  manylinux2014: 17,
};

interface LockedPackage {
  name: string;
  version: string;
  groups?: string[];
  markers?: string | Record<string, string>;
  files?: { file: string }[];
  source?: { type?: string };
}

/**
 * Chooses the cross variant when every package of the main group has a wheel
 * for every platform, reading only the lock file (no network, no Poetry).
 * Workspace path and directory packages are built from source in the image
 * and do not count. Packages whose markers exclude the platform are skipped.
 * A lock without `groups` (lock-version 2.0) counts every package, because
 * main and dev packages cannot be distinguished there.
 */
export function chooseBuildVariant(
  input: ChooseBuildVariantInput,
): BuildVariantChoice {
  const packages = readMainPackages(input.lockText);
  const minor = parsePythonMinor(input.pythonVersion);
  for (const platform of input.platforms) {
    const arch = MANYLINUX_ARCHES[platform];
    if (!arch) {
      return {
        variant: 'emulated',
        reason: `no manylinux wheels exist for ${platform}, so the packages are installed on the target platform under emulation`,
      };
    }
    const environment = markerEnvironment(arch, minor);
    for (const locked of packages) {
      if (!isRequiredOn(locked, environment)) {
        continue;
      }
      const wheels = (locked.files ?? [])
        .map((entry) => entry.file)
        .filter((file) => file.endsWith('.whl'));
      if (!wheels.some((wheel) => isWheelCompatible(wheel, { arch, minor }))) {
        return {
          variant: 'emulated',
          reason: `${locked.name} ${locked.version} has no wheel for ${platform} and CPython 3.${minor}, so it is installed on the target platform under emulation`,
        };
      }
    }
  }
  const count = packages.length;
  return {
    variant: 'cross',
    reason: `all ${count} locked main ${count === 1 ? 'package has' : 'packages have'} wheels for ${input.platforms.join(', ')} and CPython 3.${minor}`,
  };
}

/** Returns true when a wheel file name installs on CPython 3.<minor> for the manylinux arch. */
export function isWheelCompatible(
  fileName: string,
  target: { arch: string; minor: number },
): boolean {
  const parts = fileName.replace(/\.whl$/, '').split('-');
  // name-version[-build]-python-abi-platform
  if (parts.length < 5) {
    return false;
  }
  const [pythonTags, abiTags, platformTags] = parts
    .slice(-3)
    .map((tag) => tag.split('.'));
  const platformOk = platformTags.some((tag) =>
    isPlatformCompatible(tag, target.arch),
  );
  const pairOk = pythonTags.some((python) =>
    abiTags.some((abi) => isPythonAbiCompatible(python, abi, target.minor)),
  );
  return platformOk && pairOk;
}

function isPythonAbiCompatible(
  python: string,
  abi: string,
  minor: number,
): boolean {
  const generic = /^py3(\d*)$/.exec(python);
  if (generic) {
    return abi === 'none' && (generic[1] === '' || Number(generic[1]) <= minor);
  }
  const cpython = /^cp3(\d+)$/.exec(python);
  if (!cpython) {
    return false;
  }
  const wheelMinor = Number(cpython[1]);
  if (abi === 'abi3') {
    return wheelMinor <= minor;
  }
  return wheelMinor === minor && (abi === `cp3${minor}` || abi === 'none');
}

function isPlatformCompatible(tag: string, arch: string): boolean {
  if (tag === 'any') {
    return true;
  }
  const modern = /^manylinux_2_(\d+)_(.+)$/.exec(tag);
  if (modern) {
    return modern[2] === arch && Number(modern[1]) <= MAX_GLIBC_MINOR;
  }
  const legacy = /^(manylinux1|manylinux2010|manylinux2014)_(.+)$/.exec(tag);
  // musllinux wheels link against musl, which Debian-based images do not have.
  return (
    legacy !== null &&
    legacy[2] === arch &&
    LEGACY_MANYLINUX_GLIBC[legacy[1]] <= MAX_GLIBC_MINOR
  );
}

function readMainPackages(lockText: string): LockedPackage[] {
  const lock = parse(lockText) as { package?: LockedPackage[] };
  return (lock.package ?? []).filter(
    (locked) =>
      (locked.groups === undefined || locked.groups.includes('main')) &&
      locked.source?.type !== 'directory',
  );
}

function isRequiredOn(
  locked: LockedPackage,
  environment: MarkerEnvironment,
): boolean {
  const marker =
    typeof locked.markers === 'string' ? locked.markers : locked.markers?.main;
  return marker === undefined || evaluateMarker(marker, environment);
}

function parsePythonMinor(pythonVersion: string): number {
  const match = /^3\.(\d+)$/.exec(pythonVersion.trim());
  if (!match) {
    throw new UserError(
      `Invalid Python version "${pythonVersion}": use major.minor, for example "3.13".`,
    );
  }
  return Number(match[1]);
}

function markerEnvironment(arch: string, minor: number): MarkerEnvironment {
  return {
    os_name: 'posix',
    sys_platform: 'linux',
    platform_system: 'Linux',
    platform_machine: arch,
    platform_python_implementation: 'CPython',
    implementation_name: 'cpython',
    python_version: `3.${minor}`,
    python_full_version: `3.${minor}.0`,
  };
}
