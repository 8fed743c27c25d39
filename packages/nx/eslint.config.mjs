import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['**/*.json'],
    rules: {
      '@nx/dependency-checks': [
        'error',
        { ignoredFiles: ['{projectRoot}/eslint.config.{js,cjs,mjs}', '{projectRoot}/jest.config.ts'], ignoredDependencies: ['nx'] },
      ],
    },
    languageOptions: { parser: await import('jsonc-eslint-parser') },
  },
  {
    files: ['./package.json', './generators.json', './executors.json'],
    rules: { '@nx/nx-plugin-checks': 'error' },
    languageOptions: { parser: await import('jsonc-eslint-parser') },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
];
