/*
 * vitest setup (vite.config.ts `test.setupFiles`): what every browser has as a global and
 * Debian 12's Node 18 does not. Web Crypto (`globalThis.crypto`, used by utils/account.ts)
 * is a global from Node 19 on; on Node 18 it is `require('node:crypto').webcrypto`.
 */
import { webcrypto } from 'node:crypto'

if (!globalThis.crypto) {
  Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true })
}
