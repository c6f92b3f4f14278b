import { describe, expect, it } from 'vitest'
import { dayToUnix, displayValue, fileExtension, toLocalMobile, formatTimestamp, isValidMobile, maskPhone, normalisePhone } from './format'

describe('normalisePhone', () => {
  it('removes spaces and hyphens', () => {
    expect(normalisePhone('138 1234-5678')).toBe('13812345678')
  })
})

describe('isValidMobile', () => {
  it('accepts mainland numbers including 16x and 19x', () => {
    for (const p of ['13812345678', '16612345678', '19912345678', '+8613812345678', '008613812345678', '138-1234-5678'])
      expect(isValidMobile(p), p).toBe(true)
  })
  it('rejects landlines, short numbers and 12x', () => {
    for (const p of ['02112345678', '1381234567', '12012345678', '138123456789', '', 'abc'])
      expect(isValidMobile(p), p).toBe(false)
  })
})

describe('maskPhone', () => {
  it('keeps the first three and last four digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678')
  })
  it('drops the country prefix before masking', () => {
    expect(maskPhone('+86 138 1234 5678')).toBe('138****5678')
  })
  it('passes an already masked value through', () => {
    expect(maskPhone('138****5678')).toBe('138****5678')
  })
  it('never shows a malformed number whole', () => {
    expect(maskPhone('0571-88886666')).toBe('********6666')
    expect(maskPhone('123')).toBe('***')
    expect(maskPhone('')).toBe('')
    expect(maskPhone(null)).toBe('')
  })
})

describe('formatTimestamp', () => {
  it('shows a +08:00 stamp as written', () => {
    expect(formatTimestamp('2025-09-01T08:30:05+08:00')).toBe('2025-09-01 08:30:05')
  })
  it('converts UTC to Beijing time', () => {
    expect(formatTimestamp('2025-09-01T20:00:00Z')).toBe('2025-09-02 04:00:00')
  })
  it('adds missing seconds and leaves garbage alone', () => {
    expect(formatTimestamp('2025-09-01T08:30+08:00')).toBe('2025-09-01 08:30:00')
    expect(formatTimestamp('yesterday')).toBe('yesterday')
  })
})

describe('displayValue / fileExtension', () => {
  it('renders JSON values on one line', () => {
    expect(displayValue(60)).toBe('60')
    expect(displayValue({ a: [1, 2] })).toBe('{"a":[1,2]}')
    expect(displayValue(null)).toBe('')
  })
  it('lowercases extensions', () => {
    expect(fileExtension('花名册.XLSX')).toBe('xlsx')
    expect(fileExtension('noext')).toBe('')
  })
})

describe('toLocalMobile / dayToUnix', () => {
  it('gives the server the 11 digits', () => {
    expect(toLocalMobile('+86 138-1234-5678')).toBe('13812345678')
    expect(toLocalMobile('12345')).toBeNull()
  })
  it('reads a day in Beijing time', () => {
    expect(dayToUnix('2025-09-01')).toBe(Date.UTC(2025, 7, 31, 16, 0, 0) / 1000)
    expect(dayToUnix('2025-09-01', true)).toBe(Date.UTC(2025, 8, 1, 15, 59, 59) / 1000)
    expect(dayToUnix('01/09/2025')).toBeUndefined()
  })
})
