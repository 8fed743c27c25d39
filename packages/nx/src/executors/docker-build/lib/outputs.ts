import {
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import * as z from 'zod';

/** The result of one platform's build, as written to images.json. */
export interface PlatformResult {
  platform: string;
  references: string[];
  digest?: string;
  imageId?: string;
  /** OCI archive file name inside the output folder. */
  archive?: string;
  durationSeconds: number;
}

// Only the fields we use from buildx's --metadata-file JSON.
const BuildxMetadata = z.looseObject({
  'containerimage.digest': z.string().optional(),
  'containerimage.config.digest': z.string().optional(),
});

/** Reads the digest and image id from one buildx metadata file; missing fields stay undefined. */
export function readBuildxMetadata(file: string): {
  digest?: string;
  imageId?: string;
} {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
  const parsed = BuildxMetadata.safeParse(json);
  if (!parsed.success) {
    return {};
  }
  return {
    digest: parsed.data['containerimage.digest'],
    imageId: parsed.data['containerimage.config.digest'],
  };
}

/** Writes images.json atomically, so a failed run never leaves a half-written file. */
export function writeResults(
  outputPath: string,
  image: string,
  results: PlatformResult[],
): string {
  mkdirSync(outputPath, { recursive: true });
  const file = join(outputPath, 'images.json');
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(
    partial,
    `${JSON.stringify({ image, platforms: results }, null, 2)}\n`,
  );
  renameSync(partial, file);
  return file;
}

/**
 * Writes images.json into the staging folder, then replaces outputPath with
 * it, so outputPath always contains one complete build: its archives and the
 * images.json that describes them.
 */
export function publishResults(
  staging: string,
  outputPath: string,
  image: string,
  results: PlatformResult[],
): void {
  writeResults(staging, image, results);
  rmSync(outputPath, { recursive: true, force: true });
  mkdirSync(dirname(outputPath), { recursive: true });
  renameSync(staging, outputPath);
}

/** Writes buildx's metadata of every platform into one JSON object keyed by platform. */
export function writeCombinedMetadata(
  file: string,
  builds: Array<{ platform: string; metadataFile: string }>,
): void {
  const combined: Record<string, unknown> = {};
  for (const build of builds) {
    try {
      combined[build.platform] = JSON.parse(
        readFileSync(build.metadataFile, 'utf8'),
      );
    } catch {
      combined[build.platform] = {};
    }
  }
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(combined, null, 2)}\n`);
  renameSync(partial, file);
}

/** Formats the one-line summary of one platform. */
export function formatSummary(result: PlatformResult): string {
  const digest = result.digest ? result.digest.slice(0, 19) : 'no digest';
  return `${result.platform}: ${result.references.join(', ')} ${digest} (${result.durationSeconds.toFixed(1)} s)`;
}
