/* Entry point: i18n, Element Plus, router, and what a 401 does. */
import { createApp } from 'vue'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import { watch } from 'vue'
import { router, updateTitle } from './router'
import { i18n, t, currentLocale } from './locales'
import { installElement } from './plugins/element'
import { onUnauthorized, setFallbackMessage } from './api/client'
import { clearSession, isLoggedIn, setUser } from './stores/session'
import { fetchMe, sessionUserOf } from './api/session'

setFallbackMessage((status) =>
  status ? t('error.http', { status }) : t('error.network'),
)

onUnauthorized(() => {
  clearSession()
  const here = router.currentRoute.value
  if (here.name !== 'login') {
    router.replace({ name: 'login', query: { redirect: here.fullPath, expired: '1' } })
  }
})

// A stored session is checked once at start: the user's roles and permissions may have changed
// since, and an expired token sends them to /login through the 401 handler above.
if (isLoggedIn()) {
  fetchMe().then((me) => setUser(sessionUserOf(me)), () => undefined)
}

document.documentElement.lang = currentLocale()
const app = createApp(App)
app.use(i18n)
installElement(app)
app.use(router)
app.mount('#app')
watch(i18n.global.locale, updateTitle)
