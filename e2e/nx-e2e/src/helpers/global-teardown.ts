/** Stops the Verdaccio process that global-setup started, by its PID. */
export default async function globalTeardown(): Promise<void> {
  const pid = Number(process.env.E2E_REGISTRY_PID);
  if (!pid) {
    return;
  }
  try {
    process.kill(pid);
    console.log(`Stopped Verdaccio (pid ${pid})`);
  } catch {
    // It has already exited.
  }
}
