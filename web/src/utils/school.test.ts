import { describe, expect, it } from 'vitest'
import { gradesOf, subjectKey, SUBJECTS } from './school'
import zh from '../locales/zh-CN.json'

describe('gradesOf', () => {
  it('follows the kind of school', () => {
    expect(gradesOf('primary')).toEqual([1, 2, 3, 4, 5, 6])
    expect(gradesOf('junior')).toEqual([7, 8, 9])
    expect(gradesOf('nine_year')).toHaveLength(9)
    expect(gradesOf(undefined)).toHaveLength(9)
  })
})

describe('subjects', () => {
  it('have a label, and the zh-CN label is the stored value', () => {
    const labels = zh.subjects as Record<string, string>
    for (const s of SUBJECTS) expect(labels[s.key], s.key).toBe(s.value)
    expect(subjectKey('数学')).toBe('subjects.math')
    expect(subjectKey('书法')).toBeNull()
  })
})
