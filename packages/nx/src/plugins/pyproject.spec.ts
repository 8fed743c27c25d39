import {
  fileUrlToPath,
  normalizePackageName,
  readPyproject,
} from './pyproject';

const FILE = 'apps/orders/pyproject.toml';

function readOk(text: string) {
  const result = readPyproject(FILE, text);
  if (!result.ok) {
    throw new Error(`expected a valid pyproject, got: ${result.message}`);
  }
  return result.pyproject;
}

describe('readPyproject', () => {
  it('reads Poetry 1 main and group paths', () => {
    const pyproject = readOk(`
[tool.poetry]
name = "orders"
packages = [{ include = "orders_app", from = "src" }]

[tool.poetry.dependencies]
python = "^3.11"
fastapi = "^0.121"
shared = { path = "../../libs/shared", develop = true }

[tool.poetry.group.dev.dependencies]
test-helpers = { path = "../../libs/test-helpers" }
pytest = "^8"
`);

    expect(pyproject).toEqual({
      name: 'orders',
      moduleName: 'orders_app',
      isPoetry: true,
      dependencyNames: ['fastapi', 'shared'],
      pathDependencies: [
        { name: 'shared', path: '../../libs/shared' },
        { name: 'test-helpers', path: '../../libs/test-helpers' },
      ],
    });
  });

  it('reads Poetry 2 dependencies enriched by tool.poetry paths', () => {
    const pyproject = readOk(`
[project]
name = "orders"
dependencies = ["fastapi (>=0.121.0,<1.0.0)", "Shared_Lib"]

[tool.poetry.dependencies]
shared-lib = { path = "../../libs/shared", develop = true }
`);

    expect(pyproject.dependencyNames).toEqual(['fastapi', 'shared-lib']);
    expect(pyproject.pathDependencies).toEqual([
      { name: 'shared-lib', path: '../../libs/shared' },
    ]);
    expect(pyproject.isPoetry).toBe(true);
  });

  it('reads PEP 508 file URLs, relative and absolute', () => {
    const pyproject = readOk(`
[project]
name = "orders"
dependencies = [
  "shared @ file:../../libs/shared",
  "util[extra] @ file:///srv/libs/my%20util ; python_version >= '3.11'",
  "local @ file://localhost/opt/local",
  "remote @ https://example.com/remote-1.0.tar.gz",
  "elsewhere @ file://fileserver/share/lib",
]

[build-system]
build-backend = "poetry.core.masonry.api"
`);

    expect(pyproject.pathDependencies).toEqual([
      { name: 'shared', path: '../../libs/shared' },
      { name: 'util', path: '/srv/libs/my util' },
      { name: 'local', path: '/opt/local' },
    ]);
    expect(pyproject.isPoetry).toBe(true);
  });

  it('reads multiple constraints without duplicates', () => {
    const pyproject = readOk(`
[project]
name = "orders"
dependencies = ["shared @ file:../shared"]

[tool.poetry.dependencies]
shared = [
  { path = "../shared", markers = "sys_platform == 'linux'" },
  { version = "^1.0", markers = "sys_platform != 'linux'" },
]
`);

    expect(pyproject.pathDependencies).toEqual([
      { name: 'shared', path: '../shared' },
    ]);
  });

  it('normalizes the project name as PEP 503 does', () => {
    expect(readOk('[project]\nname = "Foo_Bar.baz"\n').name).toBe(
      'foo-bar-baz',
    );
  });

  it('marks a PEP 621 project without Poetry', () => {
    const pyproject = readOk(
      '[project]\nname = "plain"\n[build-system]\nbuild-backend = "hatchling.build"\n',
    );

    expect(pyproject.isPoetry).toBe(false);
  });

  it('reports broken TOML with its position', () => {
    expect(readPyproject(FILE, '[project\nname = "orders"\n')).toEqual({
      ok: false,
      file: FILE,
      problem: 'invalid-toml',
      message:
        'Invalid TOML in "apps/orders/pyproject.toml" at line 1, column 9 (illegal character in key).',
    });
  });

  it('reports a file that is not a project', () => {
    expect(readPyproject(FILE, '[tool.ruff]\nline-length = 100\n')).toEqual({
      ok: false,
      file: FILE,
      problem: 'not-a-project',
      message:
        '"apps/orders/pyproject.toml" has neither a [project] nor a [tool.poetry] table.',
    });
  });

  it('treats non-package mode as no project', () => {
    expect(
      readPyproject(FILE, '[tool.poetry]\npackage-mode = false\n'),
    ).toEqual({
      ok: false,
      file: FILE,
      problem: 'not-a-project',
      message:
        '"apps/orders/pyproject.toml" sets package-mode = false, so it has no package to depend on.',
    });
  });

  it('reports a missing package name', () => {
    expect(readPyproject(FILE, '[tool.poetry]\nversion = "0.1.0"\n')).toEqual({
      ok: false,
      file: FILE,
      problem: 'missing-name',
      message:
        '"apps/orders/pyproject.toml" has no package name. Set name in [project] (Poetry 2) or in [tool.poetry] (Poetry 1).',
    });
  });

  it('reports fields of the wrong type', () => {
    expect(
      readPyproject(
        FILE,
        '[project]\nname = 3\n[tool.poetry.dependencies]\nshared = { path = 1 }\n',
      ),
    ).toEqual({
      ok: false,
      file: FILE,
      problem: 'invalid-fields',
      message: [
        'Invalid fields in "apps/orders/pyproject.toml":',
        '✖ Invalid input: expected string, received number',
        '  → at project.name',
        '✖ Invalid input',
        '  → at tool.poetry.dependencies.shared',
      ].join('\n'),
    });
  });
});

describe('normalizePackageName', () => {
  it.each([
    { name: 'Foo_Bar.baz', expected: 'foo-bar-baz' },
    { name: 'foo--bar', expected: 'foo-bar' },
    { name: 'FOO._-bar', expected: 'foo-bar' },
    { name: 'orders', expected: 'orders' },
  ])('normalizes $name', ({ name, expected }) => {
    expect(normalizePackageName(name)).toBe(expected);
  });
});

describe('fileUrlToPath', () => {
  it.each([
    { url: 'file:../libs/a', expected: '../libs/a' },
    { url: 'file:///abs/a', expected: '/abs/a' },
    { url: 'FILE://localhost/abs/a', expected: '/abs/a' },
    { url: 'file://server/share/a', expected: undefined },
    { url: 'file:../bad%zz', expected: undefined },
    { url: 'https://example.com/a.whl', expected: undefined },
  ])('converts $url', ({ url, expected }) => {
    expect(fileUrlToPath(url)).toBe(expected);
  });
});
