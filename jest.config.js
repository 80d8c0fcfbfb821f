/** Unit specs sit beside the code in src/ (and bench/), e2e specs in test/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test', '<rootDir>/bench'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60000,
  reporters: [
    'default',
    '<rootDir>/test/helpers/summary-reporter.js',
    '<rootDir>/test/helpers/exit-watchdog-reporter.js',
  ],
};
