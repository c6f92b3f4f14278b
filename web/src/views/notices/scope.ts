/*
 * scope.ts: the pure parts of the notices pages. Whom a sender may reach (the same rule as the
 * server's notices_audience_resolve, so the compose form offers nothing the server would
 * refuse; the server decides), the audience body a form's picks become, read shares and the
 * badge's text. Unit-tested in scope.test.ts.
 */
import type { Audience, AudienceRole } from '../../api/notices'
import type { Role } from '../../utils/permission'

export type SenderScope =
  | { kind: 'district' }
  | { kind: 'school'; schoolId: number }
  | { kind: 'grade'; schoolId: number; grade: number }
  | { kind: 'teacher'; schoolId: number }
  | { kind: 'none' }

/** The broadest scope among the user's roles: the district, a school, a grade, a teacher's classes. */
export function senderScope(roles: readonly Role[] | undefined): SenderScope {
  const rs = roles ?? []
  if (rs.some((r) => r.role === 'district_admin')) return { kind: 'district' }
  const admin = rs.find((r) => r.role === 'school_admin' && r.school_id)
  if (admin) return { kind: 'school', schoolId: admin.school_id! }
  const leader = rs.find((r) => r.role === 'grade_leader' && r.school_id && r.grade)
  if (leader) return { kind: 'grade', schoolId: leader.school_id!, grade: leader.grade! }
  const teacher = rs.find((r) => r.role === 'teacher' && r.school_id)
  if (teacher) return { kind: 'teacher', schoolId: teacher.school_id! }
  return { kind: 'none' }
}

/** Whom each scope may address: a grade leader the grade's families and teachers, a teacher
 * only the families of their classes. */
export function allowedRoles(s: SenderScope): AudienceRole[] {
  switch (s.kind) {
    case 'district':
    case 'school':
      return ['guardian', 'teacher', 'grade_leader', 'school_admin']
    case 'grade':
      return ['guardian', 'teacher']
    case 'teacher':
      return ['guardian']
    default:
      return []
  }
}

/** Only the district and school admins publish to the public page. */
export function mayPublish(s: SenderScope): boolean {
  return s.kind === 'district' || s.kind === 'school'
}

export interface AudiencePick {
  schools: number[]
  grades: number[]
  classId: number | null
  roles: AudienceRole[]
}

/** The body's audience for the form's picks, inside the scope (a school admin's own school, a
 * grade leader's own grade are implied). */
export function buildAudience(s: SenderScope, p: AudiencePick): Audience {
  const allowed = allowedRoles(s)
  const a: Audience = { roles: p.roles.filter((r) => allowed.includes(r)) }
  if (p.classId) {
    a.class_id = p.classId
    return a
  }
  if (s.kind === 'district' && p.schools.length) a.school_ids = [...p.schools]
  if ((s.kind === 'district' || s.kind === 'school' || s.kind === 'teacher') && p.grades.length) a.grades = [...p.grades]
  return a
}

/** Whole percent read, 0 when nobody was addressed. */
export function readShare(read: number, recipients: number): number {
  return recipients > 0 ? Math.round((read * 100) / recipients) : 0
}

/** The header badge: nothing at 0, "99+" above 99. */
export function badgeText(n: number): string {
  if (!n || n < 0) return ''
  return n > 99 ? '99+' : String(n)
}

/** A file size as people read it: 820 B, 12.5 KB, 3.2 MB. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 102.4) / 10} KB`
  return `${Math.round(bytes / (1024 * 102.4)) / 10} MB`
}

/** "2026-12-06T09:30:00+08:00" as "2026-12-06 09:30". */
export function stampText(at: string | null | undefined): string {
  return at ? at.slice(0, 16).replace('T', ' ') : ''
}
