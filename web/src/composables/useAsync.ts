/*
 * useAsync: loading / error state around one API call, so every page shows the server's
 * message the same way. `run` resolves to the result, or undefined after showing the error.
 */
import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import { ApiError } from '../api/client'
import { currentLocale } from '../locales'

/**
 * The words to show for a failure: the server's message, and the rule it cites (`error.rule`,
 * e.g. TR-2, AS-6) when the message does not already name it, so every refusal dialog says
 * which rule refused, as the homework refusal always did.
 */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return withRule(e.message, ruleOf(e))
  return e instanceof Error ? e.message : String(e)
}

/** The rule ID a refusal cites (`error.rule`), or '' when none. */
export function ruleOf(e: unknown): string {
  if (!(e instanceof ApiError) || !e.body) return ''
  const r = e.body.rule
  return typeof r === 'string' ? r : ''
}

/** A message followed by its rule in brackets, unless the message already names the rule. */
export function withRule(message: string, rule: string, locale: string = currentLocale()): string {
  if (!rule || message.includes(rule)) return message
  return locale === 'en-US' ? `${message} (${rule})` : `${message}(${rule})`
}

/**
 * When the server blamed one field (`error.field`, e.g. username_taken on "username"), that field
 * and the message, so a form can show it under the field; null otherwise.
 */
export function fieldError(e: unknown, fields: readonly string[]): { field: string; message: string } | null {
  if (!(e instanceof ApiError) || !e.body) return null
  const f = e.body.field
  return typeof f === 'string' && fields.includes(f) ? { field: f, message: e.message } : null
}

export function showError(e: unknown): void {
  ElMessage({ type: 'error', message: errorText(e), showClose: true, grouping: true })
}

export function useAsync() {
  const loading = ref(false)
  const error = ref<string | null>(null)
  async function run<T>(fn: () => Promise<T>, opts: { toast?: boolean } = {}): Promise<T | undefined> {
    loading.value = true
    error.value = null
    try {
      return await fn()
    } catch (e) {
      error.value = errorText(e)
      if (opts.toast) showError(e)
      return undefined
    } finally {
      loading.value = false
    }
  }
  return { loading, error, run }
}
