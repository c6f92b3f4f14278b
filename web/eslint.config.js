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
