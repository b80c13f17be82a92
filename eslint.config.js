// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Layer rules from ARCHITECTURE.md, enforced here rather than hoped for:
 * contract and domain are platform-free; core never reaches electron, react or the renderer;
 * the renderer reaches only the contract and pure domain code; electron may use core.
 */
const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'http',
  'net',
  'worker_threads',
];
const platformFree = {
  patterns: [
    { group: nodeBuiltins, message: 'core/contract and core/domain must not import Node built-ins.' },
    {
      group: ['electron', 'react', 'react-dom', 'better-sqlite3', '@duckdb/*', 'ws'],
      message: 'core/contract and core/domain stay platform-free.',
    },
    {
      group: [
        '**/registry/**',
        '**/data/**',
        '**/engine/**',
        '**/cli/**',
        '**/renderer/**',
        '**/electron/**',
      ],
      message: 'Lower layers may not import upper ones.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['core/contract/**/*.ts', 'core/domain/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', platformFree] },
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['core/contract/**', 'core/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'react', 'react-dom', 'zustand', 'plotly.js*'],
              message: 'core never imports UI or Electron.',
            },
            {
              group: ['**/renderer/**', '**/electron/**'],
              message: 'core never imports renderer or electron.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'The renderer is a web page: no Node built-ins.' },
            {
              group: ['electron', 'better-sqlite3', '@duckdb/*', 'ws'],
              message: 'The renderer talks to the engine only through the contract client.',
            },
            {
              group: [
                '**/core/registry/**',
                '**/core/data/**',
                '**/core/engine/**',
                '**/core/cli/**',
                '**/electron/**',
              ],
              message: 'The renderer imports only core/contract (and pure core/domain).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.{ts,cts}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/renderer/**', 'react', 'react-dom'],
              message: 'electron/ hosts the renderer; it does not import it.',
            },
          ],
        },
      ],
    },
  },
);
