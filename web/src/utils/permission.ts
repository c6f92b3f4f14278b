/*
 * permission.ts: what each role may see in the web app.
 *
 * The server decides what a user may do; the web app only hides what they cannot use. Roles come
 * from `user.roles[].role` (API.md). Each role grants permission strings in the form
 * `<module>:<thing>:<action>` (the way bureaus know them from RuoYi, e.g. `core:school:add`);
 * routes and menu items declare the one they need, and a user with several roles sees the union.
 * Where a page stands for a server route, the string is the one that route declares in the
 * server's route table (src/core/api_*.c) and the roles granting it are the ones the route lets
 * past; pages with no route of their own (dashboard, the district's school list, own school)
 * have web-only strings.
 *
 * The server's GET /api/v1/me lists the caller's permission strings (`user.permissions`). When
 * the user has that list, it decides every string the server declares: what it lists is granted
 * (a module's new strings included), and a string of SERVER_PERMS it leaves out is not, whatever
 * the role map says. Web-only strings still come from the role map. Without the list (just
 * logged in, an older server) the role map alone decides. Pure functions: unit-tested in
 * permission.test.ts.
 */

export type RoleName =
  | 'district_admin'
  | 'inspector'
  | 'school_admin'
  | 'grade_leader'
  | 'teacher'
  | 'guardian'
  | 'institution_admin'

export const ROLE_NAMES: readonly RoleName[] = [
  'district_admin',
  'inspector',
  'school_admin',
  'grade_leader',
  'teacher',
  'guardian',
  'institution_admin',
]

export interface Role {
  role: RoleName | string
  school_id?: number
  grade?: number
  institution_id?: number
}

export interface SessionUser {
  id: number
  username: string
  name: string
  roles: Role[]
  permissions?: string[] // from GET /api/v1/me
}

export const PERM = {
  dashboard: 'core:dashboard:view',
  schoolList: 'core:school:list',
  schoolDistrict: 'core:school:district', // the district's list of schools (web only)
  schoolAdd: 'core:school:add',
  schoolOwn: 'core:school:own',
  classView: 'core:class:list',
  classAdd: 'core:class:add',
  classTeacherAdd: 'core:teaching:add',
  studentView: 'core:student:list',
  studentAdd: 'core:student:add',
  guardianLink: 'core:student:add', // the server guards linking with the same permission
  userList: 'core:user:list',
  userAdd: 'core:user:add',
  userReveal: 'core:user:reveal', // a phone number in clear (audited)
  importStudents: 'core:import',
  auditList: 'core:audit:list',
  policyList: 'core:policy:list',
  policyEdit: 'core:policy:edit',
  calendarEdit: 'core:calendar:edit',
  teaching: 'core:teaching',
  family: 'core:family',
  institutionHome: 'training:institution:home',
} as const

export type Permission = (typeof PERM)[keyof typeof PERM]

const ROLE_PERMS: Record<RoleName, Permission[]> = {
  district_admin: [
    PERM.dashboard, PERM.schoolList, PERM.schoolDistrict, PERM.schoolAdd, PERM.classView,
    PERM.classAdd, PERM.classTeacherAdd, PERM.studentView, PERM.studentAdd, PERM.guardianLink,
    PERM.userList, PERM.userAdd, PERM.userReveal, PERM.importStudents, PERM.auditList,
    PERM.policyList, PERM.policyEdit, PERM.calendarEdit,
  ],
  inspector: [
    PERM.dashboard, PERM.schoolList, PERM.schoolDistrict, PERM.classView, PERM.studentView,
    PERM.userList, PERM.userAdd, PERM.userReveal, PERM.policyList,
  ],
  school_admin: [
    PERM.schoolOwn, PERM.classView, PERM.classAdd, PERM.classTeacherAdd, PERM.studentView,
    PERM.studentAdd, PERM.guardianLink, PERM.userList, PERM.userAdd, PERM.userReveal,
    PERM.importStudents, PERM.teaching,
  ],
  grade_leader: [PERM.teaching, PERM.classView, PERM.studentView],
  teacher: [PERM.teaching, PERM.classView, PERM.studentView],
  guardian: [PERM.family],
  institution_admin: [PERM.institutionHome],
}

/**
 * The strings of PERM that a server route declares (src/core/*.c route tables): with the server's
 * list at hand, these are granted by that list alone. permission.test.ts checks each against the
 * server's sources. A string missing here stays with the role map, which is the safe side.
 */
export const SERVER_PERMS: ReadonlySet<string> = new Set([
  PERM.schoolList, PERM.schoolAdd, PERM.classView, PERM.classAdd, PERM.classTeacherAdd,
  PERM.studentView, PERM.studentAdd, PERM.userList, PERM.userAdd, PERM.userReveal, PERM.importStudents,
  PERM.auditList, PERM.policyList, PERM.policyEdit, PERM.calendarEdit, PERM.teaching, PERM.family,
])

/** The permissions the role map gives every role of the user, rolled into one set. */
export function rolePermissionsOf(user: Pick<SessionUser, 'roles'> | null | undefined): Set<string> {
  const out = new Set<string>()
  for (const r of user?.roles ?? []) {
    for (const p of ROLE_PERMS[r.role as RoleName] ?? []) out.add(p)
  }
  return out
}

/**
 * What the user may use: the server's list where it speaks (see the top of this file), the role
 * map for the rest. Unknown roles grant nothing.
 */
export function permissionsOf(
  user: Pick<SessionUser, 'roles' | 'permissions'> | null | undefined,
): Set<string> {
  const fromRoles = rolePermissionsOf(user)
  const server = user?.permissions
  if (!Array.isArray(server)) return fromRoles
  const out = new Set<string>()
  for (const p of fromRoles) if (!SERVER_PERMS.has(p)) out.add(p)
  for (const p of server) if (typeof p === 'string') out.add(p)
  return out
}

export function hasRole(user: Pick<SessionUser, 'roles'> | null | undefined, role: RoleName): boolean {
  return !!user?.roles?.some((r) => r.role === role)
}

/** The school a school_admin runs (the first, if several); undefined for other users. */
export function ownSchoolId(user: Pick<SessionUser, 'roles'> | null | undefined): number | undefined {
  return user?.roles?.find((r) => r.role === 'school_admin' && r.school_id)?.school_id
}

export interface MenuItem {
  path: string
  title: string // i18n key
  icon?: string
  perm?: string // needed to see the item; none = everyone logged in
  children?: MenuItem[]
}

/**
 * Keeps the items the permissions allow, in order. A group whose children are all hidden is
 * hidden too; a group itself needing a permission hides its children with it.
 */
export function filterMenu(items: readonly MenuItem[], perms: ReadonlySet<string>): MenuItem[] {
  const out: MenuItem[] = []
  for (const it of items) {
    if (it.perm && !perms.has(it.perm)) continue
    if (it.children) {
      const kids = filterMenu(it.children, perms)
      if (kids.length === 0) continue
      out.push({ ...it, children: kids })
    } else {
      out.push({ ...it })
    }
  }
  return out
}

/**
 * Where a user lands after logging in: the first role, in the order of ROLE_NAMES (the broadest
 * scope first), that has a home page decides.
 */
export function homePathFor(user: Pick<SessionUser, 'roles'> | null | undefined): string {
  const has = (r: RoleName) => hasRole(user, r)
  if (has('district_admin') || has('inspector')) return '/dashboard'
  if (has('school_admin')) {
    const s = ownSchoolId(user)
    return s ? `/schools/${s}` : '/users'
  }
  // a grade leader's work is the grade: its homework matrix, whether or not they teach a class
  if (has('grade_leader')) return '/homework/grade'
  if (has('teacher')) return '/teaching'
  if (has('guardian')) return '/family'
  if (has('institution_admin')) return '/institution'
  return '/welcome'
}
