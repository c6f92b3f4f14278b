/* useMobile: true while the viewport is phone-sized (≤ 768 px), following resizes. */
import { onBeforeUnmount, ref, type Ref } from 'vue'

export const MOBILE_QUERY = '(max-width: 768px)'

export function useMobile(): Ref<boolean> {
  const mq = typeof window !== 'undefined' ? window.matchMedia(MOBILE_QUERY) : null
  const mobile = ref(!!mq?.matches)
  const onChange = (e: MediaQueryListEvent) => (mobile.value = e.matches)
  mq?.addEventListener('change', onChange)
  onBeforeUnmount(() => mq?.removeEventListener('change', onChange))
  return mobile
}
