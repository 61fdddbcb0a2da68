// Lint: Obsidian's recommended rules for the plugin layer, typed TypeScript rules everywhere,
// and one architectural rule: only src/plugin/ (and main.ts) may import `obsidian`.
import { defineConfig, globalIgnores } from 'eslint/config';
import obsidianmd from 'eslint-plugin-obsidianmd';
import tseslint from 'typescript-eslint';

const pluginFiles = ['main.ts', 'src/plugin/**/*.ts'];

export default defineConfig([
  globalIgnores(['node_modules/', 'dist/', 'coverage/', '.bench/', 'bin/', 'esbuild.config.mjs', 'eslint.config.mjs', 'demo/vault/']),
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'obsidian', message: 'Only src/plugin/ may import obsidian: keep the domain portable and testable.' }],
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The recommended set as published, but its code rules scoped to the plugin layer: the domain and
  // the CLI run in Node, not in Obsidian's window (package.json keeps its own checks).
  ...obsidianmd.configs.recommended.map((config) =>
    config.files?.includes('package.json') ? config : { ...config, files: pluginFiles }),
  {
    files: pluginFiles,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The Obsidian API harness stands in for the `obsidian` module itself.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
]);
