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

// Top-level modules of Python 3.13's standard library (sys.stdlib_module_names
// without private ones), and the packages every generated project imports.
// A project module with one of these names shadows it and breaks imports.
const RESERVED_MODULES = new Set(
  `
  abc antigravity argparse array ast asyncio atexit base64 bdb binascii bisect
  builtins bz2 calendar cmath cmd code codecs codeop collections colorsys
  compileall concurrent configparser contextlib contextvars copy copyreg csv
  ctypes curses dataclasses datetime dbm decimal difflib dis doctest email
  encodings ensurepip enum errno faulthandler fcntl filecmp fileinput fnmatch
  fractions ftplib functools gc genericpath getopt getpass gettext glob
  graphlib grp gzip hashlib heapq hmac html http idlelib imaplib importlib
  inspect io ipaddress itertools json keyword linecache locale logging lzma
  mailbox marshal math mimetypes mmap modulefinder msvcrt multiprocessing
  netrc nt ntpath nturl2path numbers opcode operator optparse os pathlib pdb
  pickle pickletools pkgutil platform plistlib poplib posix posixpath pprint
  profile pstats pty pwd py_compile pyclbr pydoc pydoc_data pyexpat queue
  quopri random re readline reprlib resource rlcompleter runpy sched secrets
  select selectors shelve shlex shutil signal site smtplib socket socketserver
  sqlite3 sre_compile sre_constants sre_parse ssl stat statistics string
  stringprep struct subprocess symtable sys sysconfig syslog tabnanny tarfile
  tempfile termios textwrap this threading time timeit tkinter token tokenize
  tomllib trace traceback tracemalloc tty turtle turtledemo types typing
  unicodedata unittest urllib uuid venv warnings wave weakref webbrowser
  winreg winsound wsgiref xml xmlrpc zipapp zipfile zipimport zlib zoneinfo
  fastapi uvicorn pydantic pydantic_settings starlette pytest httpx ruff anyio
  `
    .trim()
    .split(/\s+/),
);

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
  if (RESERVED_MODULES.has(toModuleName(name))) {
    return [
      `Invalid ${kind} name "${name}": the module "${toModuleName(name)}" would shadow the standard library or a dependency of the same name. Choose another name, for example "${name}-${kind}".`,
    ];
  }
  return [];
}
