import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const platformImports = [
  {
    group: ['node:*', 'fs', 'path', 'os', 'worker_threads'],
    message: 'The isomorphic core imports no Node built-ins; use src/node.',
  },
  {
    group: ['sharp', 'onnxruntime-node', 'onnxruntime-web', '@tensorflow/tfjs-node', 'h5wasm'],
    message: 'Concrete runtimes belong in src/node or src/browser.',
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/node/**', 'packages/core/src/browser/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: platformImports }],
      'no-console': 'error',
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-console': 'error' },
  },
);
