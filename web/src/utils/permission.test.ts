import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { filterMenu, homePathFor, ownSchoolId, permissionsOf, PERM, ROLE_NAMES, SERVER_PERMS, type MenuItem } from './permission'
import { MENU } from '../router/menu'

const user = (...roles: object[]) => ({ roles: roles as { role: string }[] })
const withServer = (permissions: string[], ...roles: object[]) => ({ ...user(...roles), permissions })
const menuPaths = (u: ReturnType<typeof user> & { permissions?: string[] }) =>
  filterMenu(MENU, permissionsOf(u)).map((m) => m.path)

describe('permissionsOf', () => {
  it('gives nothing to no user or an unknown role', () => {
    expect(permissionsOf(null).size).toBe(0)
    expect(permissionsOf(user({ role: 'janitor' })).size).toBe(0)
  })
  it('unions the permissions of several roles', () => {
    const p = permissionsOf(user({ role: 'teacher', school_id: 1 }, { role: 'guardian' }))
    expect(p.has(PERM.teaching)).toBe(true)
    expect(p.has(PERM.family)).toBe(true)
    expect(p.has(PERM.schoolList)).toBe(false)
  })
  it('gives every known role at least one page', () => {
    for (const r of ROLE_NAMES) expect(menuPaths(user({ role: r, school_id: 1 })).length, r).toBeGreaterThan(0)
  })
})

describe('the side menu per role', () => {
  it('shows the district admin the district pages', () => {
    expect(menuPaths(user({ role: 'district_admin' }))).toEqual([
      '/dashboard', '/schools', '/users', '/imports', '/policy', '/calendar', '/audit',
    ])
  })
  it('shows a guardian only their children', () => {
    expect(menuPaths(user({ role: 'guardian' }))).toEqual(['/family'])
  })
  it('shows a school admin their school, staff, import and own teaching, never the district pages', () => {
    const m = menuPaths(user({ role: 'school_admin', school_id: 7 }))
    expect(m).toEqual(['/my-school', '/users', '/imports', '/teaching'])
  })
  it('shows an inspector the district views and the policy, but not audit, calendar or import', () => {
    expect(menuPaths(user({ role: 'inspector' }))).toEqual(['/dashboard', '/schools', '/users', '/policy'])
  })
  it('shows teachers and grade leaders their classes', () => {
    expect(menuPaths(user({ role: 'teacher', school_id: 1 }))).toEqual(['/teaching'])
    expect(menuPaths(user({ role: 'grade_leader', school_id: 1, grade: 4 }))).toEqual(['/teaching'])
  })
})

// What GET /api/v1/me lists for each role (the server's route tables, core only).
const SERVER_DISTRICT = [
  'core:school:add', 'core:school:list', 'core:class:list', 'core:class:add', 'core:user:add',
  'core:user:list', 'core:teaching:add', 'core:student:add', 'core:student:list', 'core:audit:list',
  'core:calendar:edit', 'core:import', 'core:policy:edit', 'core:policy:list',
]
const SERVER_TEACHER = ['core:school:list', 'core:class:list', 'core:student:list', 'core:teaching']

describe('permissionsOf with the server list', () => {
  it('gives the same menus as the role map for what the server grants today', () => {
    expect(menuPaths(withServer(SERVER_DISTRICT, { role: 'district_admin' }))).toEqual(menuPaths(user({ role: 'district_admin' })))
    expect(menuPaths(withServer(SERVER_TEACHER, { role: 'teacher', school_id: 1 }))).toEqual(['/teaching'])
    expect(menuPaths(withServer(['core:family'], { role: 'guardian' }))).toEqual(['/family'])
  })
  it('lets the server take away what the role map would give', () => {
    const noPolicy = SERVER_DISTRICT.filter((p) => !p.startsWith('core:policy') && p !== 'core:calendar:edit')
    const m = menuPaths(withServer(noPolicy, { role: 'district_admin' }))
    expect(m).not.toContain('/policy')
    expect(m).not.toContain('/calendar')
    expect(m).toContain('/dashboard') // web-only: the role map still decides
    expect(permissionsOf(withServer(noPolicy, { role: 'district_admin' })).has(PERM.policyEdit)).toBe(false)
  })
  it('lets the server give what the role map does not know', () => {
    const p = permissionsOf(withServer([...SERVER_TEACHER, 'homework:publish', 'core:calendar:edit'], { role: 'teacher', school_id: 1 }))
    expect(p.has('homework:publish')).toBe(true)
    expect(p.has(PERM.calendarEdit)).toBe(true)
  })
  it('keeps the district school list away from school staff the server lets read their school', () => {
    expect(menuPaths(withServer(SERVER_TEACHER, { role: 'teacher', school_id: 1 }))).not.toContain('/schools')
  })
  it('ignores what is not a string, and an empty list takes the server strings away', () => {
    const p = permissionsOf({ roles: [{ role: 'district_admin' }], permissions: [42 as unknown as string] })
    expect(p.has(PERM.auditList)).toBe(false)
    expect(p.has(PERM.dashboard)).toBe(true)
    expect([...p].every((x) => typeof x === 'string')).toBe(true)
  })
})

// The strings the web app treats as the server's must be the ones the server's route tables
// declare, or the menu would drift from what the server lets through.
function cFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n: string) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? cFiles(p) : p.endsWith('.c') ? [p] : []
  })
}

describe('SERVER_PERMS', () => {
  const srcDir = fileURLToPath(new URL('../../../src', import.meta.url))
  let declared: Set<string> | null = null
  try {
    const text = cFiles(srcDir).map((f) => readFileSync(f, 'utf8')).join('\n')
    declared = new Set([...text.matchAll(/\{"(?:GET|POST|PUT|PATCH|DELETE)",\s*"[^"]+",\s*\w+,\s*"([^"]+)"/g)].map((m) => m[1]))
  } catch {
    declared = null // a web-only checkout: nothing to compare with
  }
  it.skipIf(!declared)('are all declared by a server route, and the web-only strings are not', () => {
    const missing = [...SERVER_PERMS].filter((p) => !declared!.has(p))
    expect(missing).toEqual([])
    const webOnly = Object.values(PERM).filter((p) => !SERVER_PERMS.has(p))
    expect(webOnly.filter((p) => declared!.has(p) && p.startsWith('core:'))).toEqual([])
  })
})

describe('filterMenu', () => {
  const tree: MenuItem[] = [
    { path: '/a', title: 'a', perm: 'x' },
    { path: '/g', title: 'g', children: [{ path: '/g/1', title: 'g1', perm: 'y' }] },
    { path: '/h', title: 'h', perm: 'z', children: [{ path: '/h/1', title: 'h1' }] },
    { path: '/open', title: 'open' },
  ]
  it('drops groups left empty and groups the user may not see', () => {
    expect(filterMenu(tree, new Set(['x'])).map((m) => m.path)).toEqual(['/a', '/open'])
    expect(filterMenu(tree, new Set(['y'])).map((m) => m.path)).toEqual(['/g', '/open'])
  })
  it('does not change its input', () => {
    filterMenu(tree, new Set())
    expect(tree[1].children).toHaveLength(1)
  })
})

describe('homePathFor', () => {
  it('sends each role to its home', () => {
    expect(homePathFor(user({ role: 'district_admin' }))).toBe('/dashboard')
    expect(homePathFor(user({ role: 'inspector' }))).toBe('/dashboard')
    expect(homePathFor(user({ role: 'school_admin', school_id: 12 }))).toBe('/schools/12')
    expect(homePathFor(user({ role: 'teacher', school_id: 1 }))).toBe('/teaching')
    expect(homePathFor(user({ role: 'grade_leader', school_id: 1, grade: 4 }))).toBe('/homework/grade')
    expect(homePathFor(user({ role: 'teacher', school_id: 1 }, { role: 'grade_leader', school_id: 1, grade: 4 }))).toBe('/homework/grade')
    expect(homePathFor(user({ role: 'guardian' }))).toBe('/family')
    expect(homePathFor(user({ role: 'institution_admin', institution_id: 3 }))).toBe('/institution')
    expect(homePathFor(null)).toBe('/welcome')
  })
  it('prefers the broadest scope', () => {
    expect(homePathFor(user({ role: 'guardian' }, { role: 'teacher', school_id: 1 }))).toBe('/teaching')
    expect(ownSchoolId(user({ role: 'teacher', school_id: 1 }, { role: 'school_admin', school_id: 2 }))).toBe(2)
  })
})
