export interface PythonLibraryGeneratorSchema {
  name: string;
  directory?: string;
  /** A string, or a number when it comes from the command line (3.11). */
  pythonVersion?: '3.11' | '3.12' | '3.13' | '3.14' | number;
  tags?: string;
  dependencies?: string | string[];
  skipInstall?: boolean;
  skipFormat?: boolean;
}
