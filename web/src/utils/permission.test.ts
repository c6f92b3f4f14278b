import { describe, expect, it } from 'vitest'
import { filterMenu, homePathFor, ownSchoolId, permissionsOf, PERM, ROLE_NAMES, type MenuItem } from './permission'
import { MENU } from '../router/menu'

const user = (...roles: object[]) => ({ roles: roles as { role: string }[] })
const menuPaths = (u: ReturnType<typeof user>) => filterMenu(MENU, permissionsOf(u)).map((m) => m.path)

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
      '/dashboard', '/schools', '/users', '/imports', '/policy', '/audit',
    ])
  })
  it('shows a guardian only their children', () => {
    expect(menuPaths(user({ role: 'guardian' }))).toEqual(['/family'])
  })
  it('shows a school admin their school, staff, import and own teaching, never the district pages', () => {
    const m = menuPaths(user({ role: 'school_admin', school_id: 7 }))
    expect(m).toEqual(['/my-school', '/users', '/imports', '/teaching'])
  })
  it('shows an inspector the district views but not policy, audit or import', () => {
    expect(menuPaths(user({ role: 'inspector' }))).toEqual(['/dashboard', '/schools', '/users'])
  })
  it('shows teachers and grade leaders their classes', () => {
    expect(menuPaths(user({ role: 'teacher', school_id: 1 }))).toEqual(['/teaching'])
    expect(menuPaths(user({ role: 'grade_leader', school_id: 1, grade: 4 }))).toEqual(['/teaching'])
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
    expect(homePathFor(user({ role: 'guardian' }))).toBe('/family')
    expect(homePathFor(user({ role: 'institution_admin', institution_id: 3 }))).toBe('/institution')
    expect(homePathFor(null)).toBe('/welcome')
  })
  it('prefers the broadest scope', () => {
    expect(homePathFor(user({ role: 'guardian' }, { role: 'teacher', school_id: 1 }))).toBe('/teaching')
    expect(ownSchoolId(user({ role: 'teacher', school_id: 1 }, { role: 'school_admin', school_id: 2 }))).toBe(2)
  })
})
