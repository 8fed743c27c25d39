import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import * as z from 'zod';
import { UserError } from '../../utils/errors';
import { runCommand } from '../../utils/exec';
import { readProjectLocation } from '../../utils/project-location';
import { lastLine } from '../docker-build/lib/preflight';
import type { DockerLoadExecutorSchema } from './schema';

// The part of docker-build's images.json that loading needs.
const ImagesJson = z.looseObject({
  image: z.string(),
  platforms: z.array(
    z.looseObject({
      platform: z.string(),
      references: z.array(z.string()).min(1),
      archive: z.string().optional(),
    }),
  ),
});

/** Loads the OCI archives of a docker-build result and tags them. */
export async function dockerLoadExecutor(
  schema: DockerLoadExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  try {
    const { projectName, projectRoot } = readProjectLocation(
      context,
      'docker-load',
    );
    const outputPath = resolve(
      context.root,
      schema.outputPath ?? join('dist', 'docker', projectRoot),
    );
    const images = readImagesJson(outputPath, projectName, context.root);
    for (const entry of images.platforms) {
      await loadPlatform(outputPath, entry, projectName);
      logger.info(`${entry.platform}: loaded ${entry.references.join(', ')}`);
    }
    return { success: true };
  } catch (error) {
    if (error instanceof UserError) {
      logger.error(error.message);
      return { success: false };
    }
    throw error;
  }
}

/** Reads and validates images.json, naming the fix when it is missing or unreadable. */
export function readImagesJson(
  outputPath: string,
  projectName: string,
  workspaceRoot: string,
): z.infer<typeof ImagesJson> {
  const file = join(outputPath, 'images.json');
  const displayPath = isAbsolute(file) ? relative(workspaceRoot, file) : file;
  if (!existsSync(file)) {
    throw new UserError(
      `No build result was found at "${displayPath}". Run "nx run ${projectName}:docker-build" with "archive": true first, or make this target depend on it.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(
      `The build result "${displayPath}" is not valid JSON (${(error as Error).message}). Run "nx run ${projectName}:docker-build" again.`,
    );
  }
  const parsed = ImagesJson.safeParse(json);
  if (!parsed.success) {
    throw new UserError(
      `The build result "${displayPath}" does not describe any image: ${z.prettifyError(parsed.error)}. Run "nx run ${projectName}:docker-build" again.`,
    );
  }
  return parsed.data;
}

async function loadPlatform(
  outputPath: string,
  entry: { platform: string; references: string[]; archive?: string },
  projectName: string,
): Promise<void> {
  if (!entry.archive || !existsSync(join(outputPath, entry.archive))) {
    throw new UserError(
      `The build result of "${projectName}" has no OCI archive for "${entry.platform}", so there is nothing to load. Set "archive": true on its docker-build target and build again.`,
    );
  }
  const loaded = await runCommand('docker', [
    'load',
    '--input',
    join(outputPath, entry.archive),
  ]);
  if (loaded.exitCode !== 0) {
    throw new UserError(
      `Loading "${entry.archive}" of "${projectName}" for "${entry.platform}" failed (${lastLine(loaded.stderr)}). Check that the Docker daemon is running, then run this target again.`,
    );
  }
  const [first, ...others] = entry.references;
  for (const reference of others) {
    const tagged = await runCommand('docker', ['tag', first, reference]);
    if (tagged.exitCode !== 0) {
      throw new UserError(
        `Tagging "${first}" as "${reference}" failed (${lastLine(tagged.stderr)}).`,
      );
    }
  }
}

export default dockerLoadExecutor;
