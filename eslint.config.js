// Lint: typescript-eslint for all code, plus the layering rule (docs/architecture.md). Each layer
// may import only the layers below it, and inside core compute and the NEAT library stay below
// what uses them; a violation fails `npm test`.
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
  // workers/ holds only process and thread entry points with their plumbing: main and the CLI start
  // them, never import them (the trainer wiring is in host/trainers, the thread pools in host/threads).
  main: ['**/renderer/**', '**/cli/**', '**/preload/**', '**/workers/**', 'vue', 'pinia', 'chart.js'],
  preload: ['**/core/**', '**/host/**', '**/workers/**', '**/main/**', '**/renderer/**', '**/cli/**', 'node:*'],
  cli: ['**/main/**', '**/preload/**', '**/renderer/**', '**/workers/**', 'electron', 'vue', 'pinia', 'chart.js'],
  renderer: ['**/core/**', '**/host/**', '**/workers/**', '**/main/**', '**/preload/**', '**/cli/**', 'electron', 'node:*', 'fs', 'path', 'child_process'],
};

const layerGroup = (layer) => ({ group: forbiddenByLayer[layer], message: `The ${layer} layer may not import this (see docs/conventions.md, Layers).` });

const layerRules = Object.keys(forbiddenByLayer).map((layer) => ({
  files: [`src/${layer}/**/*.{ts,vue}`],
  rules: { 'no-restricted-imports': ['error', { patterns: [layerGroup(layer)] }] },
}));

/**
 * Boundaries inside core (docs/architecture.md, Layers). A later rule replaces an earlier one
 * for the same files, so each keeps the core layer's group and adds its own.
 */
const forbiddenInsideCore = [
  {
    files: ['src/core/compute/**/*.ts'],
    group: ['**/rl/**', '**/neat/**', '**/baseline/**'],
    message: 'Compute backends serve the trainers and may not import them (the network layout is compute/network.ts).',
  },
  {
    files: ['src/core/neat/lib/**/*.ts'],
    group: ['**/trading/**', '**/codecs/**', '**/env/**', '**/features/**', '**/market/**', '**/metrics/**', '**/rl/**', '**/compute/**', '**/baseline/**'],
    message: 'The NEAT library knows genomes and populations, not trading: it may import only itself, core/random.ts and shared (see docs/neat.md).',
  },
  {
    files: ['src/core/neat/codecs/**/*.ts'],
    group: ['**/trading/**', '**/env/**', '**/features/**', '**/market/**', '**/metrics/**', '**/rl/**', '**/compute/**', '**/baseline/**'],
    message: 'The NEAT codecs encode the library\'s objects and may not import the trading application (see docs/neat.md).',
  },
];

const coreRules = forbiddenInsideCore.map(({ files, group, message }) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [layerGroup('core'), { group, message }] }] },
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
  ...coreRules,
);
