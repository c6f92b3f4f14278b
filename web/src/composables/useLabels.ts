/* useLabels: display names for values that come from the API (grades, roles, subjects, kinds). */
import { useI18n } from 'vue-i18n'
import { subjectKey } from '../utils/school'

export function useLabels() {
  const { t, te } = useI18n()
  const grade = (g: number | string | null | undefined) =>
    g === null || g === undefined || g === '' ? '' : te(`grades.${g}`) ? t(`grades.${g}`) : String(g)
  const role = (r: string) => (te(`roles.${r}`) ? t(`roles.${r}`) : r)
  const subject = (s: string | null | undefined) => {
    if (!s) return ''
    const k = subjectKey(s)
    return k ? t(k) : s
  }
  const schoolKind = (k: string | null | undefined) =>
    k && te(`schoolKind.${k}`) ? t(`schoolKind.${k}`) : k ?? ''
  /** A class as people say it: 四年级3班 / Grade 4 Class 3. */
  const classFull = (g: number | null | undefined, name: string | null | undefined) => {
    const gl = grade(g)
    const n = name ?? ''
    // Imported classes may already carry the grade in their name (四年级3班, 4年级1班, 初一(2)班):
    // say it once.
    if (!gl || n.startsWith(gl) || /年级|^初[一二三]|^高[一二三]|grade/i.test(n)) return n
    return t('class.fullName', { grade: gl, name: n }).trim()
  }
  /**
   * Why escrow went back or a contract closed, in words: the server stores fixed reasons
   * ("refund requested", "institution suspended", "institution closed", "completed") and, for
   * a penalty or a district refund, the words staff typed, shown as they are.
   */
  const refundReason = (r: string | null | undefined) => {
    if (!r) return ''
    const k = `funds.reason.${r.trim().replace(/\s+/g, '_')}`
    return te(k) ? t(k) : r
  }
  return { grade, role, subject, schoolKind, classFull, refundReason }
}
