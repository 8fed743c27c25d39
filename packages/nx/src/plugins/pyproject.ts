import { parse, TomlError } from 'smol-toml';
import * as z from 'zod';

/** A dependency on a local folder or archive, as Poetry resolves it. */
export interface PathDependency {
  /** PEP 503 normalized distribution name: the table key or the PEP 508 requirement name. */
  name: string;
  /** Path as written: relative to the folder of pyproject.toml, or absolute. */
  path: string;
}

/** The fields of a pyproject.toml that the graph plugin uses. */
export interface Pyproject {
  /** PEP 503 normalized distribution name from [project].name or [tool.poetry].name. */
  name: string;
  /** Import name of the first package in [tool.poetry].packages, if any. */
  moduleName?: string;
  /** True when Poetry manages the project: a [tool.poetry] table or the poetry-core build backend. */
  isPoetry: boolean;
  /** PEP 503 normalized names of the main dependencies, from both forms. */
  dependencyNames: string[];
  pathDependencies: PathDependency[];
}

export type PyprojectProblem =
  | 'unreadable'
  | 'invalid-toml'
  | 'invalid-fields'
  | 'missing-name'
  | 'not-a-project';

export type ReadPyprojectResult =
  | { ok: true; pyproject: Pyproject }
  | { ok: false; file: string; problem: PyprojectProblem; message: string };

// Poetry accepts a version string, a table, or a list of tables with markers
// (multiple-constraint dependencies). Only `path` matters here.
const PoetryConstraint = z.looseObject({ path: z.string().optional() });
const PoetryDependencies = z.record(
  z.string(),
  z.union([
    z.string(),
    PoetryConstraint,
    z.array(z.union([z.string(), PoetryConstraint])),
  ]),
);

const PyprojectFields = z.looseObject({
  project: z
    .looseObject({
      name: z.string().optional(),
      dependencies: z.array(z.string()).optional(),
    })
    .optional(),
  tool: z
    .looseObject({
      poetry: z
        .looseObject({
          name: z.string().optional(),
          'package-mode': z.boolean().optional(),
          packages: z.array(z.looseObject({ include: z.string() })).optional(),
          dependencies: PoetryDependencies.optional(),
          'dev-dependencies': PoetryDependencies.optional(),
          group: z
            .record(
              z.string(),
              z.looseObject({ dependencies: PoetryDependencies.optional() }),
            )
            .optional(),
        })
        .optional(),
    })
    .optional(),
  'build-system': z
    .looseObject({ 'build-backend': z.string().optional() })
    .optional(),
});
type PyprojectFields = z.infer<typeof PyprojectFields>;

// PEP 508 requirement with a direct reference: `name [extras] @ url ; markers`.
const DIRECT_REFERENCE =
  /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*@\s*([^\s;]+)/;
const REQUIREMENT_NAME = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/;

/** Normalizes a distribution name as PEP 503 does: lowercase, runs of `-`, `_` and `.` become one `-`. */
export function normalizePackageName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/**
 * Parses and validates the text of a pyproject.toml. Returns a problem with a
 * complete message instead of throwing, so a caller can skip one broken file
 * and keep the others.
 */
export function readPyproject(file: string, text: string): ReadPyprojectResult {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return failure(
      file,
      'invalid-toml',
      `Invalid TOML in "${file}"${describeTomlError(error)}.`,
    );
  }

  const result = PyprojectFields.safeParse(document);
  if (!result.success) {
    return failure(
      file,
      'invalid-fields',
      `Invalid fields in "${file}":\n${z.prettifyError(result.error)}`,
    );
  }

  const fields = result.data;
  const poetry = fields.tool?.poetry;
  if (!fields.project && !poetry) {
    return failure(
      file,
      'not-a-project',
      `"${file}" has neither a [project] nor a [tool.poetry] table.`,
    );
  }
  const name = fields.project?.name ?? poetry?.name;
  if (name === undefined) {
    if (poetry?.['package-mode'] === false) {
      return failure(
        file,
        'not-a-project',
        `"${file}" sets package-mode = false, so it has no package to depend on.`,
      );
    }
    return failure(
      file,
      'missing-name',
      `"${file}" has no package name. Set name in [project] (Poetry 2) or in [tool.poetry] (Poetry 1).`,
    );
  }

  return { ok: true, pyproject: toPyproject(name, fields) };
}

// smol-toml appends a code frame to the first line of its message, but a log line needs only the position.
function describeTomlError(error: unknown): string {
  if (error instanceof TomlError) {
    const reason = error.message
      .split('\n')[0]
      .replace(/^Invalid TOML document: /, '');
    return ` at line ${error.line}, column ${error.column} (${reason})`;
  }
  return ` (${error instanceof Error ? error.message : String(error)})`;
}

function failure(
  file: string,
  problem: PyprojectProblem,
  message: string,
): ReadPyprojectResult {
  return { ok: false, file, problem, message };
}

function toPyproject(name: string, fields: PyprojectFields): Pyproject {
  const poetry = fields.tool?.poetry;
  const requirements = fields.project?.dependencies ?? [];
  const poetryTables = [
    poetry?.dependencies,
    poetry?.['dev-dependencies'],
    ...Object.values(poetry?.group ?? {}).map((group) => group.dependencies),
  ];
  const requirementNames = requirements
    .map((requirement) => REQUIREMENT_NAME.exec(requirement)?.[1])
    .filter(
      (requirementName): requirementName is string =>
        requirementName !== undefined,
    );
  const poetryNames = Object.keys(poetry?.dependencies ?? {}).filter(
    (key) => key !== 'python',
  );

  return {
    name: normalizePackageName(name),
    moduleName: poetry?.packages?.[0]?.include,
    isPoetry:
      poetry !== undefined ||
      (fields['build-system']?.['build-backend'] ?? '').startsWith('poetry.'),
    dependencyNames: unique(
      [...requirementNames, ...poetryNames].map(normalizePackageName),
    ),
    pathDependencies: uniqueDependencies([
      ...requirements.flatMap(readDirectReference),
      ...poetryTables.flatMap(readPoetryPaths),
    ]),
  };
}

// Poetry 2 lists dependencies in [project].dependencies and takes their paths
// from [tool.poetry.dependencies], so both forms end up in that table.
function readPoetryPaths(
  table: z.infer<typeof PoetryDependencies> | undefined,
): PathDependency[] {
  return Object.entries(table ?? {}).flatMap(([name, spec]) =>
    (Array.isArray(spec) ? spec : [spec])
      .map((constraint) =>
        typeof constraint === 'string' ? undefined : constraint.path,
      )
      .filter((path): path is string => path !== undefined)
      .map((path) => ({ name: normalizePackageName(name), path })),
  );
}

function readDirectReference(requirement: string): PathDependency[] {
  const match = DIRECT_REFERENCE.exec(requirement);
  const path = match ? fileUrlToPath(match[2]) : undefined;
  return match && path !== undefined
    ? [{ name: normalizePackageName(match[1]), path }]
    : [];
}

/**
 * Converts a `file:` URL to a path: `file:///abs` and `file://localhost/abs`
 * to an absolute path, and `file:../x` to the relative path that Poetry
 * resolves from the project folder. Returns undefined for other schemes, for
 * a remote host and for a malformed percent escape.
 */
export function fileUrlToPath(url: string): string | undefined {
  if (!url.toLowerCase().startsWith('file:')) {
    return undefined;
  }
  const rest = url.slice('file:'.length);
  const path = rest.startsWith('//')
    ? /^\/\/(?:localhost)?(\/.*)$/i.exec(rest)?.[1]
    : rest;
  try {
    return path === undefined ? undefined : decodeURIComponent(path);
  } catch {
    // A malformed percent escape such as "%zz": Poetry cannot install it either.
    return undefined;
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function uniqueDependencies(dependencies: PathDependency[]): PathDependency[] {
  const seen = new Set<string>();
  return dependencies.filter((dependency) => {
    const key = `${dependency.name}\0${dependency.path}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}
