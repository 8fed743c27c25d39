import type { CreateNodesContext, TargetConfiguration, Tree } from '@nx/devkit';
import { readNxJson } from '@nx/devkit';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createNodes } from '../plugins/create-nodes';

/**
 * Writes a generator's tree to a temporary folder and runs the real graph
 * plugin on it, returning the targets it infers for one project root. Test
 * helper: it proves that generated files and inference agree.
 */
export async function inferTargets(
  tree: Tree,
  projectRoot: string,
): Promise<Record<string, TargetConfiguration>> {
  const root = mkdtempSync(join(tmpdir(), 'mab-infer-'));
  for (const change of tree.listChanges()) {
    if (change.type !== 'DELETE' && change.content) {
      mkdirSync(join(root, dirname(change.path)), { recursive: true });
      writeFileSync(join(root, change.path), change.content);
    }
  }
  const context = {
    workspaceRoot: root,
    nxJsonConfiguration: readNxJson(tree) ?? {},
  } as CreateNodesContext;
  const file = `${projectRoot}/pyproject.toml`;
  const [, infer] = createNodes;
  const [[, result]] = await infer([file], {}, context);
  return (result.projects?.[projectRoot]?.targets ?? {}) as Record<
    string,
    TargetConfiguration
  >;
}
