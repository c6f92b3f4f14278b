/* clock.ts: the server's clock (GET /api/v1/clock, public), measured once per page load. */
import { client } from './client'
import { setServerClock } from '../stores/session'

export interface ServerClock {
  today: string
  now: string
  unix: number
  utc_offset: string
  time_zone: string
  test_clock: boolean
}

export async function fetchClock(): Promise<ServerClock> {
  return (await client.get<ServerClock>('/clock')).data
}

let pending: Promise<void> | null = null

/**
 * Measures the server's clock into the store, once; later calls wait for the same answer. A
 * failure (the server unreachable) leaves the browser's clock in CST standing in and is tried
 * again at the next call; it never rejects, so a page is never held up by it.
 */
export function syncServerClock(): Promise<void> {
  if (!pending) {
    const sentAt = Date.now()
    pending = fetchClock().then(
      (c) => setServerClock(c, sentAt, Date.now()),
      () => {
        pending = null
      },
    )
  }
  return pending
}
