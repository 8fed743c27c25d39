export default {
  displayName: 'nx-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  testMatch: ['**/*.e2e.spec.ts'],
  globalSetup: '<rootDir>/src/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/src/helpers/global-teardown.ts',
  testTimeout: 45 * 60 * 1000,
  coverageDirectory: '../../coverage/e2e/nx-e2e',
};
