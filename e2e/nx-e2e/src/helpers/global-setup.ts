import { publishPlugin, startRegistry, writeNpmUserConfig } from './registry';

/** Starts Verdaccio and publishes the built plugin to it; the tests read its address from the environment. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const registry = await startRegistry();
  console.log(
    `\nVerdaccio is listening on ${registry.url} (pid ${registry.pid})`,
  );
  const userConfig = writeNpmUserConfig(registry.url);
  process.env.E2E_REGISTRY_URL = registry.url;
  process.env.E2E_REGISTRY_PID = String(registry.pid);
  process.env.E2E_NPM_USERCONFIG = userConfig;
  try {
    publishPlugin(registry.url, userConfig);
    console.log(
      `[e2e timing] Verdaccio start and publishing @mab/nx: ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    process.kill(registry.pid);
    throw error;
  }
}
