/*
 * session.ts: who is logged in, and what day it is. The token and the user live in localStorage
 * (so a reload keeps the session) and in one reactive object the app reads. The server holds the
 * real session; DELETE /api/v1/session ends it there, clearSession() ends it here.
 *
 * The day comes from the server (utils/clock.ts): api/clock.ts measures the server's clock once
 * per page load (the router waits for it) and stores the difference here; every date default
 * of the app is serverToday(), never the browser's new Date(). Until the server has answered,
 * the browser's clock read in China Standard Time stands in.
 */
import { reactive } from 'vue'
import type { SessionUser } from '../utils/permission'
import { clockSkewMs, serverDate } from '../utils/clock'

const TOKEN_KEY = 'sj.token'
const USER_KEY = 'sj.user'

function storage(): Storage | null {
  return typeof localStorage === 'undefined' ? null : localStorage
}

function loadUser(): SessionUser | null {
  try {
    const raw = storage()?.getItem(USER_KEY)
    return raw ? (JSON.parse(raw) as SessionUser) : null
  } catch {
    return null
  }
}

export const session = reactive<{ token: string | null; user: SessionUser | null }>({
  token: storage()?.getItem(TOKEN_KEY) ?? null,
  user: loadUser(),
})

export function getToken(): string | null {
  return session.token
}

export function setSession(token: string, user: SessionUser): void {
  session.token = token
  session.user = user
  storage()?.setItem(TOKEN_KEY, token)
  storage()?.setItem(USER_KEY, JSON.stringify(user))
}

export function setUser(user: SessionUser): void {
  session.user = user
  storage()?.setItem(USER_KEY, JSON.stringify(user))
}

export function clearSession(): void {
  session.token = null
  session.user = null
  storage()?.removeItem(TOKEN_KEY)
  storage()?.removeItem(USER_KEY)
}

export function isLoggedIn(): boolean {
  return !!session.token && !!session.user
}

/** The server's clock as measured: how far it is ahead of the browser's, and whether it is a test clock. */
export const serverClock = reactive<{ skewMs: number; known: boolean; testClock: boolean }>({
  skewMs: 0,
  known: false,
  testClock: false,
})

/** Keeps one answer of GET /api/v1/clock, with the browser's clock when it was sent and received. */
export function setServerClock(answer: { unix: number; test_clock?: boolean }, sentAt: number, receivedAt: number): void {
  serverClock.skewMs = clockSkewMs(answer.unix, sentAt, receivedAt)
  serverClock.testClock = !!answer.test_clock
  serverClock.known = true
}

/** Now on the server's clock, in milliseconds since 1970. */
export function serverNow(): number {
  return Date.now() + serverClock.skewMs
}

/** The server's today in China Standard Time, YYYY-MM-DD; `days` later when given (negative: earlier). */
export function serverToday(days = 0): string {
  return serverDate(serverClock.skewMs, days)
}
