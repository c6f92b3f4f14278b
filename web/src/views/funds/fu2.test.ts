import { describe, expect, it } from 'vitest'
import { addMonths, fu2Defaults, fu2Limits, fu2Room, latestEnd, FU2_NATIONAL } from './fu2'

describe('FU-2 in the sign-up dialog', () => {
  it('counts months as the server does (docs/api/funds.md)', () => {
    expect(latestEnd('2026-09-01', FU2_NATIONAL)).toBe('2026-11-30')
    expect(latestEnd('2026-11-30', FU2_NATIONAL)).toBe('2027-02-27')
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28')
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28')
    expect(addMonths('2027-12-15', 1)).toBe('2028-01-15')
  })
  it('with no open contract: ten lessons until the latest end', () => {
    expect(fu2Defaults('2026-09-01', [], FU2_NATIONAL)).toEqual({ lessons: 10, start_date: '2026-09-01', end_date: '2026-11-30' })
  })
  it('an open contract counts: its start moves the latest end, its lessons leave fewer', () => {
    const open = [{ lessons: 55, start_date: '2026-08-15', end_date: '2026-10-01' }]
    const r = fu2Room('2026-09-01', open, FU2_NATIONAL)
    expect(r).toMatchObject({ used: 55, lessonsLeft: 5, first: '2026-08-15', latestEnd: '2026-11-14', possible: true })
    expect(fu2Defaults('2026-09-01', open, FU2_NATIONAL)).toEqual({ lessons: 5, start_date: '2026-09-01', end_date: '2026-11-14' })
  })
  it('says when no contract can pass', () => {
    expect(fu2Room('2026-09-01', [{ lessons: 60, start_date: '2026-09-01', end_date: '2026-10-01' }], FU2_NATIONAL).possible).toBe(false)
    expect(fu2Room('2026-12-01', [{ lessons: 1, start_date: '2026-09-01', end_date: '2026-10-01' }], FU2_NATIONAL).possible).toBe(false)
  })
  it('reads the district policy, national figures otherwise', () => {
    expect(fu2Limits({ 'FU-2': { max_months: 2, max_class_hours: 40 } })).toEqual({ max_months: 2, max_class_hours: 40 })
    expect(fu2Limits(undefined)).toEqual(FU2_NATIONAL)
  })
})
