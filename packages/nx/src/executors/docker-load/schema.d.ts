export interface DockerLoadExecutorSchema {
  outputPath?: string;
  /** docker-build options forwarded from the command line; docker-load ignores them. */
  [forwarded: string]: unknown;
}
