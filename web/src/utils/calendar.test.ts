import { describe, expect, it } from 'vitest'
import {
  addDays, dayMarkDefaults, dayTone, daysBetween, defaultTermBounds, monthGrid, parseTerm,
  shiftMonth, termDatesProblem, termOfDate, termWeeks, weekdayOf,
} from './calendar'

describe('date arithmetic', () => {
  it('adds days across months, years and leap days', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(daysBetween('2026-09-01', '2027-01-20')).toBe(141)
  })
  it('numbers weekdays Monday 1 to Sunday 7', () => {
    expect(weekdayOf('2026-09-01')).toBe(2) // a Tuesday
    expect(weekdayOf('2026-09-06')).toBe(7)
    expect(weekdayOf('2026-09-07')).toBe(1)
  })
  it('shifts months across years', () => {
    expect(shiftMonth('2026-12', 1)).toBe('2027-01')
    expect(shiftMonth('2026-01', -1)).toBe('2025-12')
    expect(shiftMonth('2026-05', 0)).toBe('2026-05')
  })
})

describe('monthGrid', () => {
  it('covers the month in whole Monday-first weeks', () => {
    const g = monthGrid('2026-09') // 1st a Tuesday, 30th a Wednesday
    expect(g).toHaveLength(5)
    expect(g[0][0]).toBe('2026-08-31')
    expect(g[0][1]).toBe('2026-09-01')
    expect(g[4][6]).toBe('2026-10-04')
    for (const w of g) expect(w).toHaveLength(7)
    for (const w of g) expect(weekdayOf(w[0])).toBe(1)
  })
  it('has four rows for a February that starts on a Monday, six when it must', () => {
    expect(monthGrid('2027-02')).toHaveLength(4) // 2027-02-01 is a Monday, 28 days
    expect(monthGrid('2026-08')).toHaveLength(6) // starts on a Saturday, 31 days
  })
})

describe('dayTone', () => {
  it('colours each kind the server gives', () => {
    expect(dayTone({ kind: 'school', weekday: 3 })).toBe('school')
    expect(dayTone({ kind: 'weekend', weekday: 6 })).toBe('weekend')
    expect(dayTone({ kind: 'holiday', weekday: 4, name: '国庆节' })).toBe('holiday')
    expect(dayTone({ kind: 'vacation', weekday: 2 })).toBe('vacation')
  })
  it('colours a named school day on a weekend as a make-up workday', () => {
    expect(dayTone({ kind: 'school', weekday: 6, name: '国庆调休' })).toBe('workday')
    expect(dayTone({ kind: 'school', weekday: 6 })).toBe('school')
    expect(dayTone({ kind: 'school', weekday: 2, name: '调休' })).toBe('school')
  })
  it('treats an unknown kind as a school day', () => {
    expect(dayTone({ kind: 'exam', weekday: 2 })).toBe('school')
  })
})

describe('dayMarkDefaults', () => {
  it('keeps what a marked day is', () => {
    expect(dayMarkDefaults({ date: '2026-10-01', kind: 'holiday', weekday: 4, name: '国庆节' })).toEqual({ kind: 'holiday', name: '国庆节' })
    expect(dayMarkDefaults({ date: '2026-10-10', kind: 'school', weekday: 6, name: '国庆调休' })).toEqual({ kind: 'workday', name: '国庆调休' })
  })
  it('offers a weekend as a make-up workday and a school day as a holiday', () => {
    expect(dayMarkDefaults({ date: '2026-09-26', kind: 'weekend', weekday: 6 }).kind).toBe('workday')
    expect(dayMarkDefaults({ date: '2026-09-25', kind: 'school', weekday: 5 }).kind).toBe('holiday')
  })
})

describe('terms', () => {
  it('reads term names', () => {
    expect(parseTerm('2026-autumn')).toEqual({ year: 2026, season: 'autumn' })
    expect(parseTerm('2027-spring')).toEqual({ year: 2027, season: 'spring' })
    expect(parseTerm('2026-summer')).toBe(null)
    expect(parseTerm('26-autumn')).toBe(null)
  })
  it('knows the server defaults', () => {
    expect(defaultTermBounds(2026, 'autumn')).toEqual({ first_day: '2026-09-01', last_day: '2027-01-20' })
    expect(defaultTermBounds(2027, 'spring')).toEqual({ first_day: '2027-02-20', last_day: '2027-07-10' })
  })
  it('puts a date in the term the server would', () => {
    expect(termOfDate('2026-08-15')).toBe('2026-autumn')
    expect(termOfDate('2027-01-10')).toBe('2026-autumn')
    expect(termOfDate('2027-02-01')).toBe('2027-spring')
    expect(termOfDate('2027-07-31')).toBe('2027-spring')
  })
  it('checks the dates as the server does', () => {
    expect(termDatesProblem('2026-09-01', '2027-01-20')).toBe(null)
    expect(termDatesProblem('2026-09-01', '2026-08-31')).toBe('order')
    expect(termDatesProblem('2026-09-01', addDays('2026-09-01', 200))).toBe(null)
    expect(termDatesProblem('2026-09-01', addDays('2026-09-01', 201))).toBe('length')
  })
  it('wants the dates inside the months of their term', () => {
    expect(termDatesProblem('2026-08-25', '2027-01-31', '2026-autumn')).toBe(null)
    expect(termDatesProblem('2027-02-15', '2027-07-10', '2027-spring')).toBe(null)
    expect(termDatesProblem('2026-09-01', '2027-02-05', '2026-autumn')).toBe('season')
    expect(termDatesProblem('2026-02-01', '2026-07-01', '2026-autumn')).toBe('season')
    expect(termDatesProblem('2027-01-25', '2027-07-10', '2027-spring')).toBe('season')
  })
  it('counts the weeks a term touches', () => {
    expect(termWeeks('2026-09-01', '2026-09-06')).toBe(1)
    expect(termWeeks('2026-09-01', '2026-09-07')).toBe(2)
    expect(termWeeks('2026-09-01', '2027-01-20')).toBe(21)
  })
})
