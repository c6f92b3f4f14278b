/*
 * The app's i18n: zh-CN first (the default), en-US second. Every visible string is a key in
 * zh-CN.json and en-US.json; locales.test.ts checks both files have the same keys and the same
 * {placeholders}. The chosen locale is kept in localStorage and sent to the server as
 * Accept-Language (see api/client.ts), which localises error messages.
 */
import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN.json'
import enUS from './en-US.json'

export const LOCALES = ['zh-CN', 'en-US'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'zh-CN'
const LOCALE_KEY = 'sj.locale'

function initialLocale(): Locale {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(LOCALE_KEY)
  return (LOCALES as readonly string[]).includes(saved ?? '') ? (saved as Locale) : DEFAULT_LOCALE
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: DEFAULT_LOCALE,
  messages: { 'zh-CN': zhCN, 'en-US': enUS },
  missingWarn: false,
  fallbackWarn: false,
})

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale
}

export function setLocale(l: Locale): void {
  i18n.global.locale.value = l
  if (typeof localStorage !== 'undefined') localStorage.setItem(LOCALE_KEY, l)
  if (typeof document !== 'undefined') document.documentElement.lang = l
}

/** Shorthand for code outside components (api errors, router titles). */
export const t = (key: string, named?: Record<string, unknown>): string =>
  named ? i18n.global.t(key, named) : i18n.global.t(key)
