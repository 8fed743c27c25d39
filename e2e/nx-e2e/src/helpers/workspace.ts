import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registryEnv } from './registry';
import { run } from './run';

export interface TestWorkspace {
  root: string;
  env: NodeJS.ProcessEnv;
  /** Runs `nx` in the workspace and returns its output. */
  nx(args: string[]): string;
  remove(): void;
}

/** Returns a name that no other test run uses, such as api-k3v9. */
export function uniq(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Creates an empty Nx workspace in a temporary folder outside this
 * repository, so that nothing resolves from the repository's node_modules,
 * and adds the plugin from the local registry with `nx add`.
 */
export function createTestWorkspace(nxVersion: string): TestWorkspace {
  const url = process.env.E2E_REGISTRY_URL;
  const userConfig = process.env.E2E_NPM_USERCONFIG;
  if (!url || !userConfig) {
    throw new Error(
      'E2E_REGISTRY_URL is not set. Run the e2e tests through "nx e2e nx-e2e", whose global setup starts the registry.',
    );
  }

  const root = mkdtempSync(join(tmpdir(), 'mab-nx-e2e-'));
  const env = registryEnv(url, userConfig);
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify(
      {
        name: 'e2e-workspace',
        version: '0.0.0',
        private: true,
        devDependencies: { nx: nxVersion },
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(root, 'nx.json'),
    JSON.stringify(
      { $schema: './node_modules/nx/schemas/nx-schema.json' },
      null,
      2,
    ),
  );

  run('git', ['init', '--quiet', '--initial-branch=main'], { cwd: root, env });
  run('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, env });
  const nx = (args: string[]) =>
    run(join(root, 'node_modules/.bin/nx'), args, { cwd: root, env });
  nx(['add', '@mab/nx@e2e']);

  return {
    root,
    env,
    nx,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
