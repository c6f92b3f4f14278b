/*
 * session.ts: who is logged in. The token and the user live in localStorage (so a reload keeps
 * the session) and in one reactive object the app reads. The server holds the real session;
 * DELETE /api/v1/session ends it there, clearSession() ends it here.
 */
import { reactive } from 'vue'
import type { SessionUser } from '../utils/permission'

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
