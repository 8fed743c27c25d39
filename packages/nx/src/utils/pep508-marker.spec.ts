import { evaluateMarker } from './pep508-marker';

const LINUX_ARM64 = {
  os_name: 'posix',
  sys_platform: 'linux',
  platform_system: 'Linux',
  platform_machine: 'aarch64',
  platform_python_implementation: 'CPython',
  implementation_name: 'cpython',
  python_version: '3.13',
  python_full_version: '3.13.0',
};

describe('evaluateMarker', () => {
  it.each([
    { marker: 'sys_platform == "win32"', expected: false },
    { marker: 'sys_platform != "win32"', expected: true },
    { marker: "platform_machine == 'aarch64'", expected: true },
    { marker: 'python_version < "3.13"', expected: false },
    { marker: 'python_version >= "3.9"', expected: true },
    {
      marker: 'python_version < "3.15" and sys_platform == "linux"',
      expected: true,
    },
    {
      marker: 'sys_platform == "win32" or python_version >= "3.10"',
      expected: true,
    },
    {
      marker:
        '(sys_platform == "win32" or sys_platform == "cygwin") and python_version >= "3.8"',
      expected: false,
    },
    { marker: 'platform_machine in "x86_64 aarch64"', expected: true },
    { marker: 'platform_machine not in "x86_64 ppc64le"', expected: true },
    { marker: 'python_version == "3.*"', expected: true },
    { marker: 'extra == "test"', expected: true },
    { marker: '"linux" == sys_platform', expected: true },
  ])('evaluates $marker', ({ marker, expected }) => {
    expect(evaluateMarker(marker, LINUX_ARM64)).toBe(expected);
  });

  it('rejects an unbalanced marker', () => {
    expect(() =>
      evaluateMarker('(sys_platform == "linux"', LINUX_ARM64),
    ).toThrow('Invalid environment marker "(sys_platform == "linux""');
  });
});
