import { describe, expect, it } from 'vitest'
import zh from '../locales/zh-CN.json'
import { actionKey, actionMethod, auditWords, targetKey } from './audit'

const words = zh.auditActions as Record<string, string>
const has = (k: string) => k.replace('auditActions.', '') in words
const say = (k: string) => words[k.replace('auditActions.', '')]

describe('audit entries in words', () => {
  it('keys a route and a named action', () => {
    expect(actionKey('POST /api/v1/contracts/{id}/lessons')).toBe('POST_contracts_id_lessons')
    expect(actionKey('POST /api/v1/reports/half-monthly/{period}/submit')).toBe('POST_reports_half_monthly_id_submit')
    expect(actionKey('export funds summary')).toBe('export_funds_summary')
    expect(actionMethod('DELETE /api/v1/homework/{id}')).toBe('DELETE')
    expect(actionMethod('login failed')).toBe('')
  })
  it('says what happened', () => {
    expect(auditWords('POST /api/v1/homework', has, say).text).toBe('发布作业')
    expect(auditWords('POST /api/v1/contracts/{id}/lessons', has, say).text).toBe('登记消课')
    expect(auditWords('reveal phone', has, say).text).toBe('查看完整手机号')
    expect(auditWords('POST /api/v1/somewhere/new', has, say)).toEqual({ text: null, method: 'POST' })
  })
  it('names what a write was done to', () => {
    expect(targetKey('POST /api/v1/contracts/{id}/lessons', 'write')).toBe('contracts')
    expect(targetKey('POST /api/v1/afterschool/programs/{id}/close', 'write')).toBe('programs')
    expect(targetKey('PUT /api/v1/typical-cases/{id}', 'write')).toBe('typical_cases')
    expect(targetKey('reveal phone', 'user')).toBe('user')
  })
})
