import { afterEach, describe, expect, it, vi } from 'vitest'
import { serverClock, serverNow, serverToday, setServerClock } from './session'

describe('the server clock in the session store', () => {
  afterEach(() => {
    vi.useRealTimers()
    serverClock.skewMs = 0
    serverClock.known = false
    serverClock.testClock = false
  })

  it("gives the server's today, not the browser's, from one answer of GET /api/v1/clock", () => {
    // the browser: Saturday 2026-12-05 17:30 UTC, already Sunday in Beijing
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-12-05T17:30:00Z'))
    const sent = Date.now()
    vi.setSystemTime(sent + 40)
    // the server on a test clock: Wednesday 2026-11-18 10:00 +08:00
    setServerClock({ unix: Date.parse('2026-11-18T02:00:00Z') / 1000, test_clock: true }, sent, Date.now())
    expect(serverClock).toMatchObject({ known: true, testClock: true })
    expect(serverToday()).toBe('2026-11-18')
    expect(serverToday(1)).toBe('2026-11-19')
    expect(serverToday(-6)).toBe('2026-11-12')
    expect(Math.abs(serverNow() - Date.parse('2026-11-18T02:00:00.520Z'))).toBeLessThan(1000)
    // fourteen hours later the server's day has turned (CST midnight is 16:00 UTC)
    vi.setSystemTime(Date.now() + 14 * 3600e3)
    expect(serverToday()).toBe('2026-11-19')
  })

  it("stands in with the browser's clock read in Beijing time before the server has answered", () => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-12-05T17:30:00Z'))
    expect(serverToday()).toBe('2026-12-06')
  })
})
