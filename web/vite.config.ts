/*
 * Vite build of the web app into web/dist, which `shuangjian serve --web web/dist` hands out
 * (unknown non-/api paths fall back to index.html, so the router runs in history mode).
 * `npm run dev` proxies /api to a running server: SJ_API=http://127.0.0.1:8080 by default.
 * The `test` block configures vitest (unit tests live beside the code as *.test.ts).
 *
 * The server sends a Content-Security-Policy (src/core/http.c): scripts and style sheets only
 * from the server, no inline <script>, no eval or `new Function`, no injected <style>. The
 * build keeps to it: index.html loads the entry as a file, vue-i18n 11 compiles messages
 * without `new Function`, and nothing here may add an inline script (tests/e2e/csp.test.mjs
 * and every browser test fail on a violation).
 */
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import precompress from './precompress.mjs'

export default defineConfig({
  plugins: [vue(), precompress()],
  define: {
    // vue-i18n feature flags: composition API only, no devtools in production.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
  },
  server: {
    port: 5173,
    proxy: { '/api': process.env.SJ_API || 'http://127.0.0.1:8080' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
  },
})
