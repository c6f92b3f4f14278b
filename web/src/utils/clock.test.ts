import { describe, expect, it } from 'vitest'
import { clockSkewMs, cstDate, pickerDate, serverDate } from './clock'

describe('cstDate', () => {
  it('turns the day at midnight in China Standard Time, 16:00 UTC', () => {
    expect(cstDate(Date.parse('2026-11-22T15:59:59Z'))).toBe('2026-11-22')
    expect(cstDate(Date.parse('2026-11-22T16:00:00Z'))).toBe('2026-11-23')
    expect(cstDate(Date.parse('2026-11-22T23:50:00Z'))).toBe('2026-11-23')
    expect(cstDate(Date.parse('2026-12-31T16:00:00Z'))).toBe('2027-01-01')
  })
})

describe('clockSkewMs', () => {
  it('is the server clock minus the middle of the request, from the middle of its second', () => {
    const sent = Date.parse('2026-12-06T00:00:00Z')
    // the server answered 2026-11-18T10:00:00+08:00 while the browser said 2026-12-06T00:00:00.100Z
    const serverUnix = Date.parse('2026-11-18T02:00:00Z') / 1000
    const skew = clockSkewMs(serverUnix, sent, sent + 200)
    expect(skew).toBe(Date.parse('2026-11-18T02:00:00Z') + 500 - (sent + 100))
    expect(serverDate(skew, 0, sent + 200)).toBe('2026-11-18')
  })
  it('is zero for an answer that is not a number', () => {
    expect(clockSkewMs(Number.NaN, 1, 2)).toBe(0)
  })
})

describe('serverDate', () => {
  const utcEvening = Date.parse('2026-12-05T17:30:00Z') // a Saturday evening in UTC, Sunday in Beijing
  it("takes the server's day, not the browser's", () => {
    expect(serverDate(0, 0, utcEvening)).toBe('2026-12-06')
    // the server is a day and two hours behind the browser (a test clock): Friday 23:30 in Beijing
    expect(serverDate(-26 * 3600e3, 0, utcEvening)).toBe('2026-12-04')
  })
  it('counts days forward and back', () => {
    expect(serverDate(0, 1, utcEvening)).toBe('2026-12-07')
    expect(serverDate(0, -6, utcEvening)).toBe('2026-11-30')
  })
  it('moves on with the browser clock: a tab open past CST midnight is on the next day', () => {
    const skew = -3600e3 // the server is an hour behind
    expect(serverDate(skew, 0, Date.parse('2026-11-22T16:59:00Z'))).toBe('2026-11-22')
    expect(serverDate(skew, 0, Date.parse('2026-11-22T17:00:00Z'))).toBe('2026-11-23')
  })
})

describe('pickerDate', () => {
  it("is the day's midnight in the browser's zone, whatever that zone is", () => {
    const d = pickerDate('2026-11-18')
    expect([d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours()]).toEqual([2026, 11, 18, 0])
  })
})
