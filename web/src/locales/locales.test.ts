/*
 * Both languages say the same things: the same keys, no empty message, the same {placeholders},
 * and no literal Chinese in components (every visible string goes through i18n).
 */
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import zh from './zh-CN.json'
import en from './en-US.json'

type Tree = { [k: string]: string | Tree }

function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv)
  }
  return out
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
const ZH = flatten(zh as Tree)
const EN = flatten(en as Tree)

describe('locales', () => {
  it('have the same keys', () => {
    const onlyZh = [...ZH.keys()].filter((k) => !EN.has(k))
    const onlyEn = [...EN.keys()].filter((k) => !ZH.has(k))
    expect(onlyZh, 'keys missing from en-US').toEqual([])
    expect(onlyEn, 'keys missing from zh-CN').toEqual([])
  })
  it('have no empty messages', () => {
    for (const [k, v] of [...ZH, ...EN]) expect(v.trim(), k).not.toBe('')
  })
  it('use the same placeholders in both languages', () => {
    for (const [k, v] of ZH) expect(placeholders(EN.get(k) ?? ''), k).toEqual(placeholders(v))
  })
  it('avoid characters vue-i18n would parse as syntax', () => {
    for (const [k, v] of [...ZH, ...EN]) expect(/[@|$]/.test(v), k).toBe(false)
  })
  it('write zh-CN in Chinese', () => {
    const words = (v: string) => v.replace(/\{\w+\}/g, '').trim() // a message of placeholders only has none
    const notChinese = [...ZH].filter(
      ([k, v]) => words(v) !== '' && !/[\u4e00-\u9fff]/.test(v) && !k.startsWith('lang.') && !k.startsWith('langShort.'),
    )
    expect(notChinese.map(([k]) => k)).toEqual([])
  })
})

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((n: string) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : []
  })
}

describe('components', () => {
  it('contain no literal Chinese outside comments (all text via i18n)', () => {
    const src = fileURLToPath(new URL('..', import.meta.url))
    const bad: string[] = []
    for (const f of files(src, '.vue')) {
      const text = readFileSync(f, 'utf8')
        .replace(/<!--[\s\S]*?-->/g, '')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '')
      if (/[\u4e00-\u9fff]/.test(text)) bad.push(f)
    }
    expect(bad).toEqual([])
  })
})
