export interface DockerLoadExecutorSchema {
  outputPath?: string;
}
