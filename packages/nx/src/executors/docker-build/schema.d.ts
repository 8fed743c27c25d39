export interface DockerBuildExecutorSchema {
  platforms?: string | string[];
  image?: string;
  tags?: string[];
  context?: string;
  file?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  network?: 'default' | 'host' | 'none';
  load?: boolean;
  push?: boolean;
  noCache?: boolean;
  pull?: boolean;
  provenance?: boolean | string;
  builder?: string;
  cacheFrom?: string[];
  cacheTo?: string[];
  progress?: 'auto' | 'plain' | 'tty' | 'quiet' | 'rawjson';
  outputPath?: string;
  dryRun?: boolean;
  quiet?: boolean;
}
