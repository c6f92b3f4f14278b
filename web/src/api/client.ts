/*
 * client.ts: the one HTTP client every api/<module>.ts uses.
 *
 * Requests: base /api/v1, `Authorization: Bearer TOKEN` from the session, `Accept-Language` from
 * the chosen locale (the server answers error messages in it). Answers: an error becomes an
 * ApiError carrying the server's `{"error":{"code","message",...}}`; a 401 on anything but the
 * login itself (or a wrong old password, see endsSession) ends the session and calls the handler
 * main.ts registers (back to /login).
 * The pure parts (headers, error mapping) are exported for unit tests.
 */
import axios, { AxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios'
import { getToken } from '../stores/session'
import { currentLocale } from '../locales'

export interface ErrorBody {
  code: string
  message: string
  rule?: string
  field?: string
  [k: string]: unknown
}

/** An API failure: HTTP status (0 when the server was not reached) and the server's error. */
export class ApiError extends Error {
  status: number
  code: string
  body: ErrorBody | null
  constructor(status: number, code: string, message: string, body: ErrorBody | null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.body = body
  }
}

export function acceptLanguage(locale: string): string {
  return locale === 'en-US' ? 'en-US,en;q=0.9' : 'zh-CN,zh;q=0.9'
}

/** Adds the token and the language to a request's headers. */
export function withAuthHeaders(
  headers: Record<string, unknown>,
  token: string | null,
  locale: string,
): Record<string, unknown> {
  const h: Record<string, unknown> = { ...headers, 'Accept-Language': acceptLanguage(locale) }
  if (token) h.Authorization = `Bearer ${token}`
  return h
}

/**
 * Turns whatever axios threw into an ApiError. The server's message is kept as it came (it is
 * already localised); `fallback` is used when there is none (network down, proxy HTML page...).
 */
export function toApiError(err: unknown, fallback: (status: number) => string): ApiError {
  if (err instanceof ApiError) return err
  const ax = err as AxiosError<{ error?: ErrorBody }>
  const status = ax?.response?.status ?? 0
  const body = ax?.response?.data?.error
  if (body && typeof body === 'object' && typeof body.code === 'string') {
    return new ApiError(status, body.code, body.message || fallback(status), body)
  }
  return new ApiError(status, status ? `http_${status}` : 'network', fallback(status), null)
}

let unauthorizedHandler: (() => void) | null = null
/** main.ts registers what a 401 does (clear the session, go to /login). */
export function onUnauthorized(fn: () => void): void {
  unauthorizedHandler = fn
}

let fallbackMessage: (status: number) => string = (s) => (s ? `HTTP ${s}` : 'Network error')
/** main.ts registers the localised message used when the server sent none. */
export function setFallbackMessage(fn: (status: number) => string): void {
  fallbackMessage = fn
}

export const client: AxiosInstance = axios.create({ baseURL: '/api/v1', timeout: 60_000 })

client.interceptors.request.use((config: InternalAxiosRequestConfig) => {
  const h = withAuthHeaders({}, getToken(), currentLocale())
  for (const [k, v] of Object.entries(h)) config.headers.set(k, v as string)
  return config
})

/**
 * Does a 401 answer to this request mean the session is over? Not for the login itself nor for
 * a wrong old password on PUT /me/password: both are 401 `invalid_credentials` about what was
 * typed, and the session (if any) still stands.
 */
export function endsSession(status: number, method: string | undefined, url: string | undefined): boolean {
  if (status !== 401) return false
  const m = (method ?? 'get').toLowerCase()
  if (url === '/session' && m === 'post') return false
  if (url === '/me/password' && m === 'put') return false
  return true
}

client.interceptors.response.use(
  (r) => r,
  (err: unknown) => {
    const e = toApiError(err, fallbackMessage)
    const cfg = (err as AxiosError)?.config
    if (endsSession(e.status, cfg?.method, cfg?.url) && unauthorizedHandler) unauthorizedHandler()
    return Promise.reject(e)
  },
)

/** A page of a list, as every list endpoint answers. */
export interface Page<T> {
  items: T[]
  total: number
}

export interface Paging {
  limit?: number
  offset?: number
}

/** Drops undefined / empty-string query parameters so they are not sent as "undefined". */
export function cleanParams(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== null && v !== '') out[k] = v
  return out
}
