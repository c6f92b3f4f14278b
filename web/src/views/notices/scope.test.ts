import { describe, expect, it } from 'vitest'
import { allowedRoles, badgeText, buildAudience, mayPublish, readShare, senderScope, sizeText, stampText } from './scope'

describe('senderScope', () => {
  it('takes the broadest role', () => {
    expect(senderScope([{ role: 'teacher', school_id: 3 }, { role: 'school_admin', school_id: 3 }])).toEqual({ kind: 'school', schoolId: 3 })
    expect(senderScope([{ role: 'district_admin' }, { role: 'teacher', school_id: 3 }])).toEqual({ kind: 'district' })
    expect(senderScope([{ role: 'grade_leader', school_id: 2, grade: 4 }])).toEqual({ kind: 'grade', schoolId: 2, grade: 4 })
    expect(senderScope([{ role: 'teacher', school_id: 2 }])).toEqual({ kind: 'teacher', schoolId: 2 })
    expect(senderScope([{ role: 'guardian' }])).toEqual({ kind: 'none' })
    expect(senderScope(undefined)).toEqual({ kind: 'none' })
  })
})

describe('allowedRoles and mayPublish', () => {
  it('follow the server\'s scopes', () => {
    expect(allowedRoles({ kind: 'grade', schoolId: 1, grade: 4 })).toEqual(['guardian', 'teacher'])
    expect(allowedRoles({ kind: 'teacher', schoolId: 1 })).toEqual(['guardian'])
    expect(allowedRoles({ kind: 'none' })).toEqual([])
    expect(mayPublish({ kind: 'school', schoolId: 1 })).toBe(true)
    expect(mayPublish({ kind: 'grade', schoolId: 1, grade: 4 })).toBe(false)
  })
})

describe('buildAudience', () => {
  const pick = { schools: [1, 2], grades: [4], classId: null, roles: ['guardian', 'school_admin'] as const }
  it('keeps what the scope allows', () => {
    expect(buildAudience({ kind: 'district' }, { ...pick, roles: [...pick.roles] })).toEqual({ school_ids: [1, 2], grades: [4], roles: ['guardian', 'school_admin'] })
    expect(buildAudience({ kind: 'school', schoolId: 1 }, { ...pick, roles: [...pick.roles] })).toEqual({ grades: [4], roles: ['guardian', 'school_admin'] })
    expect(buildAudience({ kind: 'grade', schoolId: 1, grade: 4 }, { ...pick, roles: [...pick.roles] })).toEqual({ roles: ['guardian'] })
  })
  it('names a class alone', () => {
    expect(buildAudience({ kind: 'teacher', schoolId: 1 }, { schools: [], grades: [], classId: 7, roles: ['guardian'] })).toEqual({ class_id: 7, roles: ['guardian'] })
  })
})

describe('numbers', () => {
  it('read share, badge, sizes, stamps', () => {
    expect(readShare(1, 2)).toBe(50)
    expect(readShare(0, 0)).toBe(0)
    expect(badgeText(0)).toBe('')
    expect(badgeText(7)).toBe('7')
    expect(badgeText(120)).toBe('99+')
    expect(sizeText(820)).toBe('820 B')
    expect(sizeText(12800)).toBe('12.5 KB')
    expect(sizeText(5 * 1024 * 1024)).toBe('5 MB')
    expect(stampText('2026-12-06T09:30:00+08:00')).toBe('2026-12-06 09:30')
  })
})
