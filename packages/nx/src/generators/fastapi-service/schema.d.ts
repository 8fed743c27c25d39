export interface FastapiServiceGeneratorSchema {
  name: string;
  directory?: string;
  port?: number;
  pythonVersion?: '3.11' | '3.12' | '3.13' | '3.14';
  tags?: string;
  dependencies?: string | string[];
  skipInstall?: boolean;
  skipFormat?: boolean;
}
