// ESLint (typescript-eslint's recommended rules) over the sources, the tests and the configs; formatting
// is Prettier's (npm run lint runs both, and dependency-cruiser's layer rules).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'build-meta/', 'node_modules/', 'data/', 'data-secrets/', 'coverage/', 'public/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Types and values from one module come in one import: a module read twice is noise.
      'no-duplicate-imports': 'off',
      eqeqeq: ['error', 'smart'],
      // `cond ? a() : b()` and `ok && go()` as statements are used on purpose in a few hot paths.
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true, allowShortCircuit: true }],
      'no-console': 'off',
    },
  },
  {
    // The domain and the contract are pure: no Node built-ins even by a global (ODK Web Forms keeps its engine so).
    files: ['src/domain/**', 'src/contract/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        'process',
        'Buffer',
        'require',
        '__dirname',
        'window',
        'document',
        'localStorage',
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
  },
  {
    files: ['.dependency-cruiser.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
