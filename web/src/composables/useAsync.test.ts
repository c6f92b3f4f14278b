import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/client'
import { errorText, ruleOf, withRule } from './useAsync'

describe('errorText', () => {
  it('adds the rule the server cites when the message does not name it', () => {
    const e = new ApiError(422, 'institution_blacklisted', '该机构已被列入黑名单', { code: 'institution_blacklisted', message: '该机构已被列入黑名单', rule: 'TR-7' })
    expect(ruleOf(e)).toBe('TR-7')
    expect(errorText(e)).toBe('该机构已被列入黑名单(TR-7)')
  })
  it('does not say the rule twice', () => {
    const m = '课后服务结束时间早于当地下班时间(AS-2)'
    const e = new ApiError(422, 'ends_before_off_work', m, { code: 'ends_before_off_work', message: m, rule: 'AS-2' })
    expect(errorText(e)).toBe(m)
  })
  it('leaves errors without a rule as they are', () => {
    expect(errorText(new ApiError(404, 'not_found', '不存在', { code: 'not_found', message: '不存在' }))).toBe('不存在')
    expect(errorText(new Error('x'))).toBe('x')
    expect(withRule('m', '')).toBe('m')
    expect(withRule('Blacklisted', 'TR-7', 'en-US')).toBe('Blacklisted (TR-7)')
  })
})
