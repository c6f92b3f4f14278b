/*
 * The Element Plus registrations against the templates (plugins/element.ts): every <el-*> tag
 * and v-loading of the app is registered in the shell or in element-more.ts, and the pages
 * marked `meta.light` (with the layout and the components they import) use only the shell,
 * since the rest is not loaded before them.
 */
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const SRC = fileURLToPath(new URL('..', import.meta.url))
const read = (p: string) => readFileSync(p, 'utf8')

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((n: string) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : []
  })
}

/** el-table-column → ElTableColumn; v-loading → ElLoading. */
function usedComponents(vue: string): Set<string> {
  const tpl = vue.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style[\s\S]*?<\/style>/g, '')
  const names = new Set<string>()
  for (const m of tpl.matchAll(/<(el-[a-z-]+)/g)) {
    names.add(m[1].split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join(''))
  }
  if (/\bv-loading\b/.test(tpl)) names.add('ElLoading')
  return names
}

/** The names in `export const NAME = [ ... ]` of a plugin file. */
function registered(file: string, list: string): Set<string> {
  const m = read(join(SRC, 'plugins', file)).match(new RegExp(`export const ${list} = \\[([^\\]]*)\\]`))
  return new Set(m ? m[1].match(/El[A-Za-z]+/g) : [])
}

const shell = registered('element.ts', 'shellComponents')
const more = registered('element-more.ts', 'moreComponents')

/** The .vue files a light page renders: the page, and the .vue files it imports, transitively. */
function lightFiles(): string[] {
  const roots = [join(SRC, 'App.vue'), join(SRC, 'layouts/AppShell.vue')]
  for (const f of files(join(SRC, 'router'), '.ts')) {
    const text = read(f)
    const re = /component: \(\) => import\('([^']+\.vue)'\),((?:(?!component:)[\s\S])*?)meta: \{([^}]*)\}/g
    for (const m of text.matchAll(re)) if (/light: true/.test(m[3])) roots.push(resolve(dirname(f), m[1]))
  }
  const seen = new Set<string>()
  const todo = [...roots]
  while (todo.length) {
    const f = todo.pop()!
    if (seen.has(f)) continue
    seen.add(f)
    for (const m of read(f).matchAll(/import \w+ from '(\.[^']+\.vue)'/g)) todo.push(resolve(dirname(f), m[1]))
  }
  return [...seen]
}

describe('Element Plus registrations', () => {
  it('finds both lists', () => {
    expect(shell.size).toBeGreaterThan(10)
    expect(more.size).toBeGreaterThan(10)
    expect([...shell].filter((n) => more.has(n))).toEqual([])
  })

  it('registers every component a template uses', () => {
    const missing: string[] = []
    for (const f of files(SRC, '.vue')) {
      for (const n of usedComponents(read(f))) {
        if (!shell.has(n) && !more.has(n)) missing.push(`${f.slice(SRC.length)}: ${n}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('has light pages use only the shell', () => {
    const light = lightFiles()
    const names = light.map((f) => f.slice(SRC.length)).sort()
    // the login page, the guardian's home, the error pages, the layout and its dialog
    expect(names).toEqual(expect.arrayContaining([
      'App.vue', 'components/ChangePasswordDialog.vue', 'layouts/AppShell.vue',
      'views/common/ComingSoon.vue', 'views/common/ErrorPage.vue', 'views/family/FamilyHome.vue',
      'views/login/LoginView.vue',
    ]))
    const outside: string[] = []
    for (const f of light) {
      for (const n of usedComponents(read(f))) if (!shell.has(n)) outside.push(`${f.slice(SRC.length)}: ${n}`)
    }
    expect(outside).toEqual([])
  })
})
