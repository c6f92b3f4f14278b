import { describe, expect, it } from 'vitest'
import {
  afterschoolHasData, fundsHasData, homeworkHasData, lowestParticipationFirst, openWarnings,
  pct, periodRange, shareBand, weekdayOf, worstFirst, yuanText,
} from './dashboard'
import type { Report } from '../../api/afterschool'

const school = (id: number, name: string, share: number | null, over = 0, rover = 0) => ({
  school_id: id, school_name: name, share_within: share, days_over_limit: over, days_reported_over_limit: rover,
})

describe('periodRange', () => {
  it('knows the weekday, Monday first', () => {
    expect(weekdayOf('2026-03-16')).toBe(1) // a Monday
    expect(weekdayOf('2026-03-22')).toBe(7)
  })
  it('takes last week as Monday to Sunday before this week', () => {
    expect(periodRange('last', '2026-03-16')).toEqual({ from: '2026-03-09', to: '2026-03-15' })
    expect(periodRange('last', '2026-03-22')).toEqual({ from: '2026-03-09', to: '2026-03-15' })
    expect(periodRange('last', '2026-01-01')).toEqual({ from: '2025-12-22', to: '2025-12-28' })
  })
  it('takes this week as Monday to today', () => {
    expect(periodRange('this', '2026-03-16')).toEqual({ from: '2026-03-16', to: '2026-03-16' })
    expect(periodRange('this', '2026-03-19')).toEqual({ from: '2026-03-16', to: '2026-03-19' })
  })
})

describe('worstFirst', () => {
  it('puts the lowest share within the cap first', () => {
    const r = worstFirst([school(1, '甲', 1), school(2, '乙', 0.5), school(3, '丙', 0.75)])
    expect(r.map((s) => s.school_id)).toEqual([2, 3, 1])
  })
  it('breaks ties by days over the cap, then reported days over, then name', () => {
    const r = worstFirst([
      school(1, 'B', 0.5, 1, 0), school(2, 'A', 0.5, 3, 0), school(3, 'C', 0.5, 1, 2), school(4, 'A', 0.5, 1, 0),
    ])
    expect(r.map((s) => s.school_id)).toEqual([2, 3, 4, 1])
  })
  it('puts schools without a share last and keeps the input as it was', () => {
    const input = [school(1, '甲', null), school(2, '乙', 1), school(3, '丙', 0)]
    expect(worstFirst(input).map((s) => s.school_id)).toEqual([3, 2, 1])
    expect(input.map((s) => s.school_id)).toEqual([1, 2, 3])
    expect(worstFirst([])).toEqual([])
  })
})

describe('shares', () => {
  it('bands and prints them', () => {
    expect(shareBand(1)).toBe('ok')
    expect(shareBand(0.8)).toBe('warn')
    expect(shareBand(0.79)).toBe('bad')
    expect(shareBand(null)).toBe('none')
    expect(pct(0.625)).toBe('62.5%')
    expect(pct(1)).toBe('100%')
    expect(pct(null)).toBe('-')
  })
})

describe('no data yet', () => {
  it('homework: no class-day with homework in the period', () => {
    expect(homeworkHasData(null)).toBe(false)
    expect(homeworkHasData({ totals: { days_with_homework: 0 } })).toBe(false)
    expect(homeworkHasData({ totals: { days_with_homework: 3 } })).toBe(true)
  })
  it('after-school: no program and nobody enrolled', () => {
    const district = { pupils_enrolled: 0 } as never as Report['district']
    expect(afterschoolHasData({ items: [], district })).toBe(false)
    expect(afterschoolHasData({ items: [{ programs: 0 } as never], district })).toBe(false)
    expect(afterschoolHasData({ items: [{ programs: 2 } as never], district })).toBe(true)
    expect(afterschoolHasData({ items: [], district: { ...district, pupils_enrolled: 5 } })).toBe(true)
  })
  it('funds: no institution and no payment', () => {
    expect(fundsHasData({ institutions: 0, paid_fen: 0 })).toBe(false)
    expect(fundsHasData({ institutions: 1, paid_fen: 0 })).toBe(true)
    expect(fundsHasData(undefined)).toBe(false)
  })
})

describe('lowestParticipationFirst', () => {
  it('orders by pupil share, then teacher share, then name', () => {
    const rows = [
      { school_id: 1, name: 'A', pupil_share: 80, teacher_share: 50 },
      { school_id: 2, name: 'B', pupil_share: 20, teacher_share: 90 },
      { school_id: 3, name: 'C', pupil_share: 80, teacher_share: 10 },
    ]
    expect(lowestParticipationFirst(rows).map((r) => r.school_id)).toEqual([2, 3, 1])
  })
})

describe('openWarnings', () => {
  it('lists every warning of every institution, high first, then by name', () => {
    const w = (code: string, level: 'high' | 'medium') => ({ code, rule: 'FU-5', level, value: 1, limit: 0 })
    const list = openWarnings([
      { id: 1, name: 'Beta', warnings: [w('inspection_overdue', 'medium'), w('lessons_stopped', 'high')] },
      { id: 2, name: 'Alpha', warnings: [w('escrow_large', 'high')] },
      { id: 3, name: 'Gamma', warnings: [] },
    ])
    expect(list.map((x) => [x.institution_id, x.institution_name, x.code])).toEqual([
      [2, 'Alpha', 'escrow_large'], [1, 'Beta', 'lessons_stopped'], [1, 'Beta', 'inspection_overdue'],
    ])
  })
})

describe('yuanText', () => {
  it('prints fen as yuan with separators', () => {
    expect(yuanText(0)).toBe('0.00')
    expect(yuanText(5)).toBe('0.05')
    expect(yuanText(123456789)).toBe('1,234,567.89')
    expect(yuanText(-150)).toBe('-1.50')
    expect(yuanText(null)).toBe('-')
  })
})
