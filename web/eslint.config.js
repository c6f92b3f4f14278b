/*
 * ESLint (flat config) of the web app: `npm run lint`, a step of `make check` (with
 * `npm run typecheck`, which is vue-tsc over tsconfig.json and tsconfig.node.json).
 * ESLint's recommended rules, typescript-eslint's recommended (without type information: the
 * types are vue-tsc's job) and eslint-plugin-vue's recommended for Vue 3 with its layout rules
 * off (how a template's attributes break and indent is left to the author). Warnings fail the
 * lint as errors do (--max-warnings 0). ESLint 9 and typescript-eslint 8.55 are the newest whose
 * whole dependency tree still allows Debian 12's Node.js 18 (scripts/node18.sh runs this too).
 */
import js from '@eslint/js'
import { defineConfig } from 'eslint/config'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default defineConfig(
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  pluginVue.configs['flat/recommended'],
  // Layout (where attributes break, indentation of templates) is not lint's business here.
  pluginVue.configs['no-layout-rules'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    rules: {
      // Chart.vue is the app's one ECharts wrapper, named so in README.md and the pages.
      'vue/multi-word-component-names': ['error', { ignores: ['Chart'] }],
    },
  },
  { languageOptions: { globals: globals.browser } },
  {
    files: ['*.mjs', '*.js', 'vite.config.ts', 'src/**/*.test.ts', 'src/test-setup.ts'],
    languageOptions: { globals: globals.node },
  },
)
