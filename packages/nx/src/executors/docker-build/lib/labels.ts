import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import * as z from 'zod';
import { runCommand } from '../../../utils/exec';

// Only the [project] fields that become labels.
const PyprojectProject = z.looseObject({
  project: z
    .looseObject({
      name: z.string().optional(),
      version: z.string().optional(),
      description: z.string().optional(),
      license: z
        .union([z.string(), z.looseObject({ text: z.string().optional() })])
        .optional(),
    })
    .optional(),
});

/** Derives org.opencontainers.image.* labels from a pyproject.toml text; unreadable text gives none. */
export function labelsFromPyproject(text: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch {
    return {};
  }
  const project = PyprojectProject.safeParse(parsed).data?.project;
  if (!project) {
    return {};
  }
  const license =
    typeof project.license === 'string'
      ? project.license
      : project.license?.text;
  return withoutEmpty({
    'org.opencontainers.image.title': project.name,
    'org.opencontainers.image.version': project.version,
    'org.opencontainers.image.description': project.description,
    'org.opencontainers.image.licenses': license,
  });
}

/** Removes credentials from a git remote URL, so that none ends up in an image label. */
export function redactRemoteUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/)[^@/]+@/i, '$1');
}

/**
 * Collects OCI labels from the project's pyproject.toml and from git: the
 * commit and the origin remote. No creation date is added, because it would
 * make otherwise identical builds differ.
 */
export async function collectOciLabels(
  workspaceRoot: string,
  context: string,
): Promise<Record<string, string>> {
  const pyproject = join(context, 'pyproject.toml');
  const fromPyproject = existsSync(pyproject)
    ? labelsFromPyproject(readFileSync(pyproject, 'utf8'))
    : {};
  const revision = await runCommand('git', ['rev-parse', 'HEAD'], {
    cwd: workspaceRoot,
  });
  const remote = await runCommand('git', ['remote', 'get-url', 'origin'], {
    cwd: workspaceRoot,
  });
  return {
    ...fromPyproject,
    ...withoutEmpty({
      'org.opencontainers.image.revision':
        revision.exitCode === 0 ? revision.stdout.trim() : undefined,
      'org.opencontainers.image.source':
        remote.exitCode === 0
          ? redactRemoteUrl(remote.stdout.trim())
          : undefined,
    }),
  };
}

function withoutEmpty(
  entries: Record<string, string | undefined>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(entries).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && entry[1] !== '',
    ),
  );
}
