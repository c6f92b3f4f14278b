import { describe, expect, it } from 'vitest'
import {
  filterSchools, lowestShareFirst, nextPeriod, parsePeriod, pct, periodOf, periodWords, prevPeriod,
  reasonProblem, yuanText,
} from './reports'
import type { SchoolBreakdown } from '../../api/reports'

const school = (id: number, name: string, within: boolean, compliant: boolean, share: number | null = 0.5): SchoolBreakdown => ({
  school_id: id, name,
  homework: { class_days: 10, over_days: within ? 0 : 1, over_written: within ? 0 : 1, over_reported: 0, within, over: [] },
  afterschool: { school_days: 10, served_days: compliant ? 10 : 9, missing_days: [], programs: 1, early_programs: [], compliant },
  pupils_total: 10, pupils_afterschool: 5, pupils_afterschool_share: share,
  teachers_total: 2, teachers_afterschool: 1, teachers_afterschool_share: 0.5,
})

describe('periods', () => {
  it('parse only YYYY-MM-1 and YYYY-MM-2', () => {
    expect(parsePeriod('2026-11-2')).toEqual({ year: 2026, month: 11, half: 2 })
    for (const bad of ['2026-11-3', '2026-13-1', '2026-1-1', '2026-11-01', '']) expect(parsePeriod(bad)).toBeNull()
  })
  it('know the period of a day: the 15th is the first half, the 16th the second', () => {
    expect(periodOf('2026-11-15')).toBe('2026-11-1')
    expect(periodOf('2026-11-16')).toBe('2026-11-2')
  })
  it('step across months and years', () => {
    expect(prevPeriod('2027-01-1')).toBe('2026-12-2')
    expect(prevPeriod('2026-12-2')).toBe('2026-12-1')
    expect(nextPeriod('2026-12-2')).toBe('2027-01-1')
    expect(nextPeriod('2026-12-1')).toBe('2026-12-2')
  })
  it('have words', () => {
    expect(periodWords('2026-11-2')).toEqual({ year: 2026, month: 11, half: 'second' })
  })
})

describe('numbers', () => {
  it('shares as percentages', () => {
    expect(pct(0.6123)).toBe('61.2%')
    expect(pct(1)).toBe('100%')
    expect(pct(null)).toBe('-')
  })
  it('fen as yuan', () => {
    expect(yuanText(123456789)).toBe('1,234,567.89')
    expect(yuanText(5)).toBe('0.05')
    expect(yuanText(-100)).toBe('-1.00')
  })
})

describe('schools', () => {
  const rows = [school(1, '乙校', true, true), school(2, '甲校', false, true), school(3, '丙校', false, false), school(4, '丁校', true, false)]
  it('failing first: both, then homework, then after-school', () => {
    expect(filterSchools(rows, 'failing').map((s) => s.school_id)).toEqual([3, 2, 4])
    expect(filterSchools(rows, 'homework').map((s) => s.school_id)).toEqual([3, 2])
    expect(filterSchools(rows, 'afterschool').map((s) => s.school_id)).toEqual([3, 4])
    expect(filterSchools(rows, 'all').length).toBe(4)
  })
  it('lowest share first, no share last', () => {
    const r = [school(1, 'a', true, true, 0.9), school(2, 'b', true, true, null), school(3, 'c', true, true, 0.1)]
    expect(lowestShareFirst(r, 'pupils_afterschool_share').map((s) => s.school_id)).toEqual([3, 1, 2])
  })
})

describe('revision reasons', () => {
  it('are needed for a revision, at most 500 characters', () => {
    expect(reasonProblem('', true)).toBe('missing')
    expect(reasonProblem('  ', true)).toBe('missing')
    expect(reasonProblem('', false)).toBeNull()
    expect(reasonProblem('补录'.repeat(250), true)).toBeNull()
    expect(reasonProblem('补录'.repeat(250) + '一', true)).toBe('long')
  })
})
