export interface FastapiServiceGeneratorSchema {
  name: string;
  directory?: string;
  port?: number;
  tags?: string;
  skipInstall?: boolean;
  skipFormat?: boolean;
}
