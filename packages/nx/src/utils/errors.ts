/**
 * An expected failure whose message is complete for the user: what failed,
 * why, and the fix. Entry points print it alone, without a stack trace.
 */
export class UserError extends Error {
  override name = 'UserError';
}

const ISSUES_URL = 'https://github.com/mab-dev/nx/issues';

/** A broken invariant inside the plugin. */
export class InternalError extends Error {
  override name = 'InternalError';

  constructor(message: string) {
    super(
      `${message}. This is a bug in @mab/nx; please report it at ${ISSUES_URL}`,
    );
  }
}
