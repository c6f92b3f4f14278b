import { describe, expect, it } from 'vitest'
import { AxiosError, AxiosHeaders } from 'axios'
import { acceptLanguage, ApiError, cleanParams, endsSession, toApiError, withAuthHeaders } from './client'
import { rejectedRows } from './imports'

const fallback = (s: number) => (s ? `HTTP ${s}` : 'offline')

function axiosErr(status: number, data: unknown): AxiosError {
  const config = { headers: new AxiosHeaders() }
  return new AxiosError('x', 'ERR', config as never, null, {
    status, statusText: '', headers: {}, config: config as never, data,
  })
}

describe('request headers', () => {
  it('adds the bearer token and the language', () => {
    expect(withAuthHeaders({}, 'tok', 'zh-CN')).toEqual({
      Authorization: 'Bearer tok',
      'Accept-Language': 'zh-CN,zh;q=0.9',
    })
  })
  it('sends no Authorization without a token', () => {
    expect(withAuthHeaders({ X: 1 }, null, 'en-US')).toEqual({ X: 1, 'Accept-Language': 'en-US,en;q=0.9' })
    expect(acceptLanguage('fr')).toBe('zh-CN,zh;q=0.9')
  })
})

describe('toApiError', () => {
  it('keeps the server error code and its localised message', () => {
    const e = toApiError(
      axiosErr(401, { error: { code: 'invalid_credentials', message: '用户名或密码错误' } }),
      fallback,
    )
    expect(e).toBeInstanceOf(ApiError)
    expect([e.status, e.code, e.message]).toEqual([401, 'invalid_credentials', '用户名或密码错误'])
  })
  it('keeps extra fields such as rows of an import rejection', () => {
    const rows = [{ row: 37, column: '身份证件号', message: '校验位错误' }, { row: 2, column: '姓名', message: '为空' }]
    const e = toApiError(axiosErr(422, { error: { code: 'import_rejected', message: 'm', rows } }), fallback)
    expect(rejectedRows(e.body).map((r) => r.row)).toEqual([2, 37])
  })
  it('falls back when the answer is not the API error shape', () => {
    expect(toApiError(axiosErr(502, '<html>'), fallback).message).toBe('HTTP 502')
    expect(toApiError(new Error('down'), fallback)).toMatchObject({ status: 0, code: 'network', message: 'offline' })
  })
})

describe('cleanParams', () => {
  it('drops empty query parameters', () => {
    expect(cleanParams({ a: 1, b: undefined, c: '', d: null, e: 0 })).toEqual({ a: 1, e: 0 })
  })
})

describe('endsSession', () => {
  it('ends the session on a 401, except for what the user typed wrong', () => {
    expect(endsSession(401, 'get', '/me')).toBe(true)
    expect(endsSession(401, undefined, '/schools')).toBe(true)
    expect(endsSession(401, 'post', '/session')).toBe(false) // a wrong password at login
    expect(endsSession(401, 'PUT', '/me/password')).toBe(false) // a wrong old password
    expect(endsSession(401, 'post', '/users/3/password')).toBe(true)
    expect(endsSession(403, 'get', '/me')).toBe(false)
  })
})
