/** Values of the PEP 508 environment markers for one target. */
export type MarkerEnvironment = Record<string, string>;

type Token = { kind: 'string' | 'name' | 'op' | 'paren'; value: string };

const TOKEN_PATTERN =
  /\s*(?:(["'])(.*?)\1|(\(|\))|(===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b|and\b|or\b)|([A-Za-z_][A-Za-z0-9_.]*))/y;

/**
 * Evaluates a PEP 508 environment marker such as
 * `sys_platform == "win32" or python_version < "3.12"`. Variables missing
 * from the environment (for example `extra`) make their comparison true, so
 * an unknown condition keeps a package rather than dropping it.
 */
export function evaluateMarker(
  marker: string,
  environment: MarkerEnvironment,
): boolean {
  const tokens = tokenize(marker);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];

  const parseOr = (): boolean => {
    let value = parseAnd();
    while (peek()?.value === 'or') {
      next();
      value = parseAnd() || value;
    }
    return value;
  };
  const parseAnd = (): boolean => {
    let value = parseAtom();
    while (peek()?.value === 'and') {
      next();
      value = parseAtom() && value;
    }
    return value;
  };
  const parseAtom = (): boolean => {
    if (peek()?.value === '(') {
      next();
      const value = parseOr();
      expectToken(next(), ')', marker);
      return value;
    }
    const left = next();
    const operator = next();
    const right = next();
    if (!left || !operator || operator.kind !== 'op' || !right) {
      throw new Error(`Invalid environment marker "${marker}"`);
    }
    return compare(
      left,
      operator.value.replace(/\s+/g, ' '),
      right,
      environment,
    );
  };

  const result = parseOr();
  if (position !== tokens.length) {
    throw new Error(`Invalid environment marker "${marker}"`);
  }
  return result;
}

function tokenize(marker: string): Token[] {
  const tokens: Token[] = [];
  TOKEN_PATTERN.lastIndex = 0;
  while (TOKEN_PATTERN.lastIndex < marker.trimEnd().length) {
    const match = TOKEN_PATTERN.exec(marker);
    if (!match) {
      throw new Error(`Invalid environment marker "${marker}"`);
    }
    if (match[1] !== undefined) {
      tokens.push({ kind: 'string', value: match[2] });
    } else if (match[3]) {
      tokens.push({ kind: 'paren', value: match[3] });
    } else if (match[4]) {
      tokens.push({ kind: 'op', value: match[4] });
    } else {
      tokens.push({ kind: 'name', value: match[5] });
    }
  }
  return tokens;
}

function expectToken(
  token: Token | undefined,
  value: string,
  marker: string,
): void {
  if (token?.value !== value) {
    throw new Error(`Invalid environment marker "${marker}"`);
  }
}

function compare(
  left: Token,
  operator: string,
  right: Token,
  environment: MarkerEnvironment,
): boolean {
  const resolve = (token: Token) =>
    token.kind === 'name' ? environment[token.value] : token.value;
  const a = resolve(left);
  const b = resolve(right);
  if (a === undefined || b === undefined) {
    return true;
  }
  const isVersion = [left, right].some(
    (token) => token.kind === 'name' && /version/.test(token.value),
  );
  switch (operator) {
    case 'in':
      return b.includes(a);
    case 'not in':
      return !b.includes(a);
    case '==':
    case '===':
      return isVersion
        ? compareVersions(a, b.replace(/\.\*$/, '')) === 0 ||
            matchesWildcard(a, b)
        : a === b;
    case '!=':
      return isVersion
        ? !(compareVersions(a, b) === 0 || matchesWildcard(a, b))
        : a !== b;
    case '~=':
      return compareVersions(a, b) >= 0;
  }
  const order = isVersion ? compareVersions(a, b) : a.localeCompare(b);
  return (
    { '<': order < 0, '<=': order <= 0, '>': order > 0, '>=': order >= 0 }[
      operator
    ] ?? true
  );
}

function matchesWildcard(version: string, pattern: string): boolean {
  return (
    pattern.endsWith('.*') && `${version}.`.startsWith(pattern.slice(0, -1))
  );
}

function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) {
      return difference;
    }
  }
  return 0;
}
