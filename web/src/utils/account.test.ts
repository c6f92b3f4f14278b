import { describe, expect, it } from 'vitest'
import { changePasswordProblem, generatePassword, maySetPasswords, passwordProblem } from './account'

/** A deterministic source cycling through the given values. */
const seq = (...vals: number[]) => {
  let i = 0
  return (n: number) => Uint32Array.from({ length: n }, () => vals[i++ % vals.length])
}

describe('generatePassword', () => {
  it('makes 12 characters with a lower-case letter, a capital and a digit', () => {
    for (let k = 0; k < 200; k++) {
      const p = generatePassword()
      expect(p).toHaveLength(12)
      expect(p).toMatch(/[a-z]/)
      expect(p).toMatch(/[A-Z]/)
      expect(p).toMatch(/[0-9]/)
    }
  })
  it('never uses look-alike characters', () => {
    const all = Array.from({ length: 200 }, () => generatePassword(20)).join('')
    expect(all).not.toMatch(/[0O1lIoSs5Zz2]/)
  })
  it('keeps the length between the server bounds', () => {
    expect(generatePassword(4)).toHaveLength(8)
    expect(generatePassword(500)).toHaveLength(128)
    expect(generatePassword(16)).toHaveLength(16)
  })
  it('varies', () => {
    const seen = new Set(Array.from({ length: 50 }, () => generatePassword()))
    expect(seen.size).toBe(50)
  })
  it('rejects values that would bias the pick', () => {
    // 0xffffffff lies above the largest multiple of every alphabet size: it is skipped
    const p = generatePassword(8, seq(0xffffffff, 0, 1, 2, 3))
    expect(p).toHaveLength(8)
    expect(p).toMatch(/[a-z]/)
    expect(p).toMatch(/[A-Z]/)
    expect(p).toMatch(/[0-9]/)
  })
})

describe('password checks', () => {
  it('wants 8 to 128 characters', () => {
    expect(passwordProblem('')).toBe('passwordRequired')
    expect(passwordProblem('1234567')).toBe('passwordLength')
    expect(passwordProblem('12345678')).toBeNull()
    expect(passwordProblem('密码密码密码密码')).toBeNull() // characters, not bytes
    expect(passwordProblem('x'.repeat(129))).toBe('passwordTooLong')
  })
  it('checks the change-password form field by field', () => {
    expect(changePasswordProblem({ old: '', next: 'abcdefgh', confirm: 'abcdefgh' })).toEqual({ field: 'old', key: 'oldRequired' })
    expect(changePasswordProblem({ old: 'old-pass', next: 'short', confirm: 'short' })).toEqual({ field: 'next', key: 'passwordLength' })
    expect(changePasswordProblem({ old: 'old-pass', next: 'old-pass', confirm: 'old-pass' })).toEqual({ field: 'next', key: 'sameAsOld' })
    expect(changePasswordProblem({ old: 'old-pass', next: 'new-pass-1', confirm: 'new-pass-2' })).toEqual({ field: 'confirm', key: 'confirmMismatch' })
    expect(changePasswordProblem({ old: 'old-pass', next: 'new-pass-1', confirm: 'new-pass-1' })).toBeNull()
  })
})

describe('maySetPasswords', () => {
  it('is for district and school admins only', () => {
    expect(maySetPasswords({ roles: [{ role: 'district_admin' }] })).toBe(true)
    expect(maySetPasswords({ roles: [{ role: 'school_admin', school_id: 1 }] })).toBe(true)
    expect(maySetPasswords({ roles: [{ role: 'inspector' }] })).toBe(false)
    expect(maySetPasswords({ roles: [{ role: 'teacher', school_id: 1 }] })).toBe(false)
    expect(maySetPasswords(null)).toBe(false)
  })
})
