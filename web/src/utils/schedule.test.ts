import { describe, expect, it } from 'vitest'
import { meetsOn } from './schedule'

describe('meetsOn', () => {
  const monWed = [{ weekday: 1 }, { weekday: 3 }]
  it('is true on the weekdays of the slots only', () => {
    expect(meetsOn(monWed, '2026-09-07')).toBe(true) // Monday
    expect(meetsOn(monWed, '2026-09-09')).toBe(true) // Wednesday
    expect(meetsOn(monWed, '2026-09-08')).toBe(false) // Tuesday
    expect(meetsOn([{ weekday: 7 }], '2026-09-13')).toBe(true) // Sunday is 7
  })
  it('is false without slots or a date', () => {
    expect(meetsOn([], '2026-09-07')).toBe(false)
    expect(meetsOn(monWed, '')).toBe(false)
  })
})
