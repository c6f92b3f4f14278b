/*
 * precompress: a Vite build plugin of ours (node's zlib, nothing downloaded). After the bundle
 * is written, every text file of the output (html, js, css, svg, json, txt) of at least 1 KB
 * gets a brotli (`X.br`, quality 11) and a gzip (`X.gz`, level 9) copy beside it, each only
 * where it is smaller than the file itself. `shuangjian serve --web` sends the copy the
 * browser's Accept-Encoding allows (br first, then gzip), so nothing is compressed per request
 * (src/core/http.c, static_file).
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const TEXT = /\.(html|js|mjs|css|svg|json|txt|map)$/
const MIN_BYTES = 1024

/** The files under `dir`, recursively. */
function walk(dir) {
  const out = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...walk(p))
    else if (e.isFile()) out.push(p)
  }
  return out
}

/** Writes X.br and X.gz beside every compressible file under `dir`; returns what it did. */
export function precompressDir(dir) {
  let files = 0
  let before = 0
  let after = 0
  for (const f of walk(dir)) {
    if (!TEXT.test(f)) continue
    const data = readFileSync(f)
    // A copy from an earlier build that no longer fits would be sent instead of the new file.
    for (const ext of ['.br', '.gz']) rmSync(f + ext, { force: true })
    if (data.length < MIN_BYTES) continue
    const br = brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    })
    const gz = gzipSync(data, { level: 9 })
    if (br.length < data.length) writeFileSync(f + '.br', br)
    if (gz.length < data.length) writeFileSync(f + '.gz', gz)
    files++
    before += data.length
    after += Math.min(br.length, data.length)
  }
  return { files, before, after }
}

/** The Vite plugin: runs precompressDir on the build's output directory once it is written. */
export default function precompress() {
  let outDir = 'dist'
  let logger = console
  return {
    name: 'shuangjian-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
      logger = config.logger
    },
    closeBundle() {
      if (!statSync(outDir, { throwIfNoEntry: false })) return
      const r = precompressDir(outDir)
      logger.info(`precompressed ${r.files} files: ${r.before} bytes → ${r.after} with brotli`)
    },
  }
}
