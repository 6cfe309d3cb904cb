/**
 * Jest runs the TypeScript sources through ts-jest (type checking is `npm run typecheck`).
 * aedes 1.x ships as ES modules while this project compiles to CommonJS, so its own files are
 * transformed too; every other package in node_modules is CommonJS already.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: { isolatedModules: true, allowJs: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!aedes/)'],
  testTimeout: 20000,
};
