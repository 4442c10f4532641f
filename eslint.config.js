import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const forbiddenInShared = {
  patterns: [
    { group: ['electron', 'electron/*'], message: 'shared/ is pure TypeScript: no Electron.' },
    { group: ['react', 'react-dom', 'react/*', 'handsontable', '@handsontable/*', 'zustand'], message: 'shared/ has no UI.' },
    { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'stream'], message: 'shared/ takes and returns bytes: no Node modules.' },
    { group: ['**/renderer/**', '**/electron/**', '../renderer/*', '../electron/*'], message: 'shared/ cannot depend on renderer/ or electron/.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'release/**', 'dist/**', 'dist-electron/**', 'dist-cli/**', 'dist-start/**', 'scratch/**', 'tests/artifacts/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['shared/**/*.ts'], rules: { 'no-restricted-imports': ['error', forbiddenInShared] } },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['electron', 'node:*', 'fs', 'path'], message: 'The renderer has no Node or Electron access.' }] }] },
  },
);
