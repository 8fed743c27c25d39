export interface PythonLibraryGeneratorSchema {
  name: string;
  directory?: string;
  pythonVersion?: '3.11' | '3.12' | '3.13' | '3.14';
  tags?: string;
  dependencies?: string | string[];
  skipInstall?: boolean;
  skipFormat?: boolean;
}
