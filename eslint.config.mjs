// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Generated or local-only folders (all gitignored); .scratch/ holds one-off experiments
    // outside the TypeScript project, which would otherwise fail `npm run lint` in a working tree.
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'models/',
      'test/.models/',
      'bench/results/',
      '.scratch/',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['jest.config.js', 'test/helpers/*.js', 'bench/workers/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        module: 'writable',
        process: 'readonly',
        require: 'readonly',
        setTimeout: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Type-aware through client/tsconfig.json (found by the project service), in a browser.
    files: ['client/**/*.ts'],
    languageOptions: {
      globals: Object.fromEntries(
        ['window', 'document', 'navigator', 'location', 'localStorage', 'fetch', 'console'].map(
          (name) => [name, 'readonly'],
        ),
      ),
    },
  },
  {
    // The shared contract files pull Node's types into the client program, so tsc alone
    // would not catch Node-only globals in code that runs in the browser.
    files: ['client/src/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', 'global', 'require', 'module', '__dirname', '__filename'].map(
          (name) => ({ name, message: 'client/src runs in the browser, not in Node.' }),
        ),
      ],
    },
  },
);
