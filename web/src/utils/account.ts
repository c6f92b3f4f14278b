/*
 * account.ts: the pure parts of the account pages (docs/api/core.md "Accounts"): a suggested
 * initial password an admin reads out or sends to a family, the checks a new password gets
 * before it goes to the server (which requires at least 8 characters and decides), and who may
 * set another person's password. Unit-tested in account.test.ts.
 */
import { hasRole, type SessionUser } from './permission'

/** The server's bounds (src/core/api_account.c): at least 8, at most 128 characters. */
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 128

// No 0/O/o, 1/l/I, 2/Z/z, 5/S/s: a password read over the phone or copied from paper survives.
const LOWER = 'abcdefghjkmnpqrtuvwxy'
const UPPER = 'ABCDEFGHJKMNPQRTUVWXY'
const DIGITS = '346789'
const ALPHABET = LOWER + UPPER + DIGITS

/** n random 32-bit unsigned integers (Web Crypto); tests pass their own source. */
export type RandomSource = (n: number) => Uint32Array

const cryptoRandom: RandomSource = (n) => {
  const a = new Uint32Array(n)
  globalThis.crypto.getRandomValues(a)
  return a
}

/** A uniform index below `size` from the source (rejection sampling, no modulo bias). */
function pick(size: number, random: RandomSource): number {
  const limit = Math.floor(0x1_0000_0000 / size) * size
  for (;;) {
    const v = random(1)[0]
    if (v < limit) return v % size
  }
}

/**
 * A suggested initial password: `length` characters (at least 8) from an alphabet without
 * look-alike characters, with at least one lower-case letter, one capital and one digit.
 */
export function generatePassword(length = 12, random: RandomSource = cryptoRandom): string {
  const n = Math.max(PASSWORD_MIN, Math.min(PASSWORD_MAX, Math.floor(length)))
  const chars = [LOWER, UPPER, DIGITS].map((set) => set[pick(set.length, random)])
  while (chars.length < n) chars.push(ALPHABET[pick(ALPHABET.length, random)])
  // Fisher-Yates, so the guaranteed characters do not always lead.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = pick(i + 1, random)
    ;[chars[i], chars[j]] = [chars[j], chars[i]]
  }
  return chars.join('')
}

/** The i18n key (under `account.`) of what is wrong with a password someone typed, or null. */
export function passwordProblem(pw: string): 'passwordRequired' | 'passwordLength' | 'passwordTooLong' | null {
  if (!pw) return 'passwordRequired'
  if ([...pw].length < PASSWORD_MIN) return 'passwordLength'
  if ([...pw].length > PASSWORD_MAX) return 'passwordTooLong'
  return null
}

/** The change-password form: the field at fault and the i18n key (under `account.`), or null. */
export function changePasswordProblem(form: { old: string; next: string; confirm: string }):
  { field: 'old' | 'next' | 'confirm'; key: string } | null {
  if (!form.old) return { field: 'old', key: 'oldRequired' }
  const p = passwordProblem(form.next)
  if (p) return { field: 'next', key: p }
  if (form.next === form.old) return { field: 'next', key: 'sameAsOld' }
  if (form.confirm !== form.next) return { field: 'confirm', key: 'confirmMismatch' }
  return null
}

/**
 * May the user set other people's passwords? The server lets district admins and school admins
 * in (a school admin only for an account whose every role and every pupil is at their school;
 * the server decides per account and answers 403 otherwise); an inspector also holds the route's
 * permission string (core:user:add, from creating accounts) but is refused, so the role decides.
 */
export function maySetPasswords(user: Pick<SessionUser, 'roles'> | null | undefined): boolean {
  return hasRole(user, 'district_admin') || hasRole(user, 'school_admin')
}
