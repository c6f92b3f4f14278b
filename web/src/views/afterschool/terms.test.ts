/* Unit tests for terms.ts: terms, money, and the AS-2 / AS-6 warnings the program form shows. */
import { describe, expect, it } from 'vitest'
import { endsTooEarly, feeCap, maskDays, offWork, termChoices, termOf, yuan } from './terms'

describe('terms', () => {
  it('name the term of a date as the server does', () => {
    expect(termOf('2026-09-01')).toBe('2026-autumn')
    expect(termOf('2027-01-15')).toBe('2026-autumn')
    expect(termOf('2027-02-01')).toBe('2027-spring')
    expect(termOf('2027-07-31')).toBe('2027-spring')
    expect(termOf('2027-08-01')).toBe('2027-autumn')
  })
  it('offer the term before, this one and two after', () => {
    expect(termChoices('2026-11-22')).toEqual(['2026-spring', '2026-autumn', '2027-spring', '2027-autumn'])
    expect(termChoices('2027-03-01')).toEqual(['2026-autumn', '2027-spring', '2027-autumn', '2028-spring'])
  })
  it('show fen as yuan', () => {
    expect(yuan(0)).toBe('0.00')
    expect(yuan(5)).toBe('0.05')
    expect(yuan(123456)).toBe('1234.56')
    expect(yuan(-250)).toBe('-2.50')
  })
  it('read weekday masks', () => {
    expect(maskDays(2 | 8 | 32)).toEqual([1, 3, 5])
  })
})

describe('rule warnings', () => {
  const national = { 'AS-6': { care_fee_per_hour_fen: 200, course_fee_per_hour_fen: 350, rural_fee_per_hour_fen: 300 } }
  it('AS-6: caps by kind and rural school, as the server', () => {
    expect(feeCap(national, 'care', false)).toBe(200)
    expect(feeCap(national, 'course', false)).toBe(350)
    expect(feeCap(national, 'course', true)).toBe(300)
    expect(feeCap({ 'AS-6': { rural_fee_per_hour_fen: 150 } }, 'care', true)).toBe(150)
  })
  it('AS-2: the season edges', () => {
    expect(offWork(national, '2026-09-30')).toEqual({ time: '18:00', summer: true })
    expect(offWork(national, '2026-10-01')).toEqual({ time: '17:30', summer: false })
  })
  it('AS-2: exactly at the off-work time passes, a minute earlier names the first day', () => {
    expect(endsTooEarly(national, '2027-09-01', '2027-12-31', [1, 2, 3, 4, 5], '18:00')).toBeNull()
    expect(endsTooEarly(national, '2027-09-01', '2027-12-31', [1, 2, 3, 4, 5], '17:59')?.date).toBe('2027-09-01')
    expect(endsTooEarly(national, '2027-10-08', '2027-12-31', [3], '17:30')).toBeNull()
    expect(endsTooEarly(national, '2027-10-08', '2027-12-31', [3], '17:29')).toEqual({ date: '2027-10-13', time: '17:30', summer: false })
  })
})
