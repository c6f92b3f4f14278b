/*
 * clock.ts: the server's clock in the browser. Pure functions; the store (stores/session.ts)
 * keeps the one measured value.
 *
 * The district keeps China Standard Time (UTC+8, no daylight saving) and the server decides what
 * day it is (GET /api/v1/clock): the browser's clock may be wrong, set to another zone, or, in
 * tests, far from the server's test clock. Between 16:00 and 24:00 UTC a browser in UTC is still
 * on the day the district has already left. What the app keeps is the difference between the
 * server's clock and the browser's, measured once; "now" is the browser's clock plus that
 * difference, so a tab left open still turns the day at CST midnight.
 *
 * Time of day of a timestamp the server sent (format.ts formatTimestamp) is not affected.
 */

/** China Standard Time's offset from UTC, in milliseconds. */
export const CST_OFFSET_MS = 8 * 3600e3

/** The CST calendar day, YYYY-MM-DD, of a moment in milliseconds since 1970. */
export function cstDate(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10)
}

/**
 * How far the server's clock is ahead of the browser's, in milliseconds, from one answer of
 * GET /api/v1/clock: the server's `unix` (whole seconds, so the middle of that second is taken)
 * against the middle of the request in the browser's clock (sent and received, Date.now()).
 */
export function clockSkewMs(serverUnix: number, sentAt: number, receivedAt: number): number {
  if (!Number.isFinite(serverUnix) || !Number.isFinite(sentAt) || !Number.isFinite(receivedAt)) return 0
  return serverUnix * 1000 + 500 - (sentAt + receivedAt) / 2
}

/** The server's "today" in CST, `days` later (negative: earlier), given the measured skew. */
export function serverDate(skewMs: number, days = 0, browserNow: number = Date.now()): string {
  return cstDate(browserNow + skewMs + days * 86400e3)
}

/**
 * A YYYY-MM-DD day as the Date a date picker shows for it (midnight in the browser's zone):
 * the pickers' `default-value`, so an empty picker opens on the server's month, not the browser's.
 */
export function pickerDate(date: string): Date {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(y, m - 1, d)
}
