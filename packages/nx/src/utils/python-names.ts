// Keywords and soft keywords of Python 3.13, which cannot name a module.
const PYTHON_KEYWORDS = new Set([
  'false',
  'none',
  'true',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
  'match',
  'case',
  'type',
]);

// Lowercase words joined by single hyphens: a PEP 503 normalized package
// name that is also a valid Nx project name and Docker build-context name.
const NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Returns the snake_case Python module name of a kebab-case package name. */
export function toModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

/** Returns the problems with a kebab-case package name, such as "orders-api" for a service. */
export function validatePackageName(
  name: string,
  kind: 'service' | 'library',
  example: string,
): string[] {
  if (!NAME_PATTERN.test(name)) {
    return [
      `Invalid ${kind} name "${name}": use lowercase letters, digits and single hyphens, starting with a letter, for example "${example}".`,
    ];
  }
  if (PYTHON_KEYWORDS.has(toModuleName(name))) {
    return [
      `Invalid ${kind} name "${name}": "${toModuleName(name)}" is a Python keyword and cannot name a module. Choose another name, for example "${name}-${kind}".`,
    ];
  }
  return [];
}
