// Lint: typescript-eslint for all code, plus the layering rule (docs/architecture.md). Each layer
// may import only the layers below it; a violation fails `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';

/** Import patterns each layer must not use. */
const forbiddenByLayer = {
  shared: ['**/core/**', '**/host/**', '**/workers/**', '**/main/**', '**/preload/**', '**/renderer/**', '**/cli/**', 'electron', 'vue', 'pinia', 'chart.js', 'node:*', 'fs', 'path', 'child_process'],
  core: ['**/host/**', '**/workers/**', '**/main/**', '**/preload/**', '**/renderer/**', '**/cli/**', 'electron', 'vue', 'pinia', 'chart.js', 'node:fs', 'node:fs/*', 'node:child_process', 'node:net', 'node:http', 'fs', 'child_process'],
  host: ['**/workers/**', '**/main/**', '**/preload/**', '**/renderer/**', '**/cli/**', 'electron', 'vue', 'pinia', 'chart.js'],
  workers: ['**/main/**', '**/preload/**', '**/renderer/**', '**/cli/**', 'electron', 'vue', 'pinia', 'chart.js'],
  // Process entry points run in their own processes: main and the CLI start them, never import them
  // (host/datasets and shared/run hold what they used to borrow from workers/trainers).
  main: ['**/renderer/**', '**/cli/**', '**/preload/**', '**/workers/**', 'vue', 'pinia', 'chart.js'],
  preload: ['**/core/**', '**/host/**', '**/workers/**', '**/main/**', '**/renderer/**', '**/cli/**', 'node:*'],
  cli: ['**/main/**', '**/preload/**', '**/renderer/**', '**/workers/trainers/**', '**/workers/trainer-worker*', 'electron', 'vue', 'pinia', 'chart.js'],
  renderer: ['**/core/**', '**/host/**', '**/workers/**', '**/main/**', '**/preload/**', '**/cli/**', 'electron', 'node:*', 'fs', 'path', 'child_process'],
};

const layerRules = Object.entries(forbiddenByLayer).map(([layer, patterns]) => ({
  files: [`src/${layer}/**/*.{ts,vue}`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{ group: patterns, message: `The ${layer} layer may not import this (see docs/conventions.md, Layers).` }],
    }],
  },
}));

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', '.node/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  ...layerRules,
);
