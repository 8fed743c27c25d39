import * as z from 'zod';
import { UserError } from '../utils/errors';

const TargetName = z.string().trim().min(1, 'Target names must not be empty');

/**
 * Options of the `@mab/nx` graph plugin, set in the `plugins` entry of
 * `nx.json`. Unknown keys are rejected so that a misspelt option is reported.
 */
export const MabNxPluginOptions = z.strictObject({
  /**
   * Name of the inferred target that runs pytest.
   * @default 'test'
   */
  testTargetName: TargetName.optional(),
  /**
   * Name of the inferred target that runs `ruff check` and `ruff format --check`.
   * @default 'lint'
   */
  lintTargetName: TargetName.optional(),
  /**
   * Name of the inferred target that fixes lint findings and formats with Ruff.
   * @default 'format'
   */
  formatTargetName: TargetName.optional(),
  /**
   * Name of the inferred target that runs `poetry lock`.
   * @default 'lock'
   */
  lockTargetName: TargetName.optional(),
  /**
   * Name of the inferred target that runs `poetry sync`.
   * @default 'install'
   */
  installTargetName: TargetName.optional(),
  /**
   * Name of the inferred continuous target that runs the FastAPI app with uvicorn.
   * @default 'serve'
   */
  serveTargetName: TargetName.optional(),
  /**
   * Name of the inferred target that builds the image of a project with a Dockerfile.
   * @default 'docker-build'
   */
  dockerBuildTargetName: TargetName.optional(),
  /**
   * Name of the inferred target that loads the images of a cached docker-build.
   * @default 'docker-load'
   */
  dockerLoadTargetName: TargetName.optional(),
});
export type MabNxPluginOptions = z.infer<typeof MabNxPluginOptions>;

export type NormalizedMabNxPluginOptions = Required<MabNxPluginOptions>;

export const DEFAULT_PLUGIN_OPTIONS: NormalizedMabNxPluginOptions = {
  testTargetName: 'test',
  lintTargetName: 'lint',
  formatTargetName: 'format',
  lockTargetName: 'lock',
  installTargetName: 'install',
  serveTargetName: 'serve',
  dockerBuildTargetName: 'docker-build',
  dockerLoadTargetName: 'docker-load',
};

/**
 * Validates the plugin options from `nx.json` and fills in the default target
 * names. Throws a UserError listing every invalid option.
 */
export function normalizePluginOptions(
  options: unknown,
): NormalizedMabNxPluginOptions {
  const result = MabNxPluginOptions.safeParse(options ?? {});
  if (!result.success) {
    throw new UserError(
      `The options of the "@mab/nx" plugin in nx.json are invalid. Correct or remove these options:\n${z.prettifyError(result.error)}`,
    );
  }
  const names = { ...DEFAULT_PLUGIN_OPTIONS, ...stripUndefined(result.data) };
  const duplicates = findDuplicateNames(names);
  if (duplicates.length > 0) {
    throw new UserError(
      `The options of the "@mab/nx" plugin in nx.json are invalid. Give each target its own name:\n${duplicates.join('\n')}`,
    );
  }
  return names;
}

function stripUndefined(options: MabNxPluginOptions): MabNxPluginOptions {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  );
}

// Two options with one name would make one inferred target replace the other.
function findDuplicateNames(names: NormalizedMabNxPluginOptions): string[] {
  const optionsByName = new Map<string, string[]>();
  for (const [option, name] of Object.entries(names)) {
    optionsByName.set(name, [...(optionsByName.get(name) ?? []), option]);
  }
  return [...optionsByName]
    .filter(([, options]) => options.length > 1)
    .map(
      ([name, options]) => `✖ "${name}" is set for ${options.join(' and ')}`,
    );
}
