/*
 * The router: history mode (the server falls back to index.html for unknown non-/api paths).
 * Guard: pages need a session, except /login; a page whose `meta.perm` the user lacks shows
 * /403; before the first page, the server's clock is measured (api/clock.ts). "/" and
 * "/my-school" send the user to their role's home / their own school. Before a
 * page without `meta.light` (light: the login, the guardian's home, the error pages) the rest of
 * Element Plus is loaded and registered (plugins/element.ts), so a guardian's phone never
 * downloads the staff pages' tables and date pickers to reach its home page.
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { coreRoutes } from './modules/core'
import { trainingRoutes } from './modules/training'
import { afterschoolRoutes } from './modules/afterschool'
import { homeworkRoutes } from './modules/homework'
import { casesPublicRoutes, casesRoutes } from './modules/cases'
import { reportsPrintRoutes, reportsRoutes } from './modules/reports'
import { noticesRoutes, publicityRoute } from './modules/notices'
import { isLoggedIn, session } from '../stores/session'
import { syncServerClock } from '../api/clock'
import { homePathFor, ownSchoolId, permissionsOf } from '../utils/permission'
import { t } from '../locales'
import { installMoreElement } from '../plugins/element'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    perm?: string
    title?: string
    menu?: string // the menu item to highlight, when not the page's own path
    light?: boolean // uses only the Element Plus shell (plugins/element.ts), loads nothing more
  }
}

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('../views/login/LoginView.vue'),
    meta: { public: true, title: 'login.title', light: true },
  },
  ...casesPublicRoutes,
  ...reportsPrintRoutes,
  publicityRoute,
  {
    path: '/',
    component: () => import('../layouts/AppShell.vue'),
    children: [
      { path: '', name: 'home', redirect: () => homePathFor(session.user) },
      {
        path: 'my-school',
        name: 'my-school',
        redirect: () => {
          const s = ownSchoolId(session.user)
          return s ? `/schools/${s}` : '/403'
        },
      },
      ...coreRoutes,
      ...trainingRoutes,
      ...afterschoolRoutes,
      ...homeworkRoutes,
      ...casesRoutes,
      ...reportsRoutes,
      ...noticesRoutes,
      {
        path: 'welcome',
        name: 'welcome',
        component: () => import('../views/common/ComingSoon.vue'),
        meta: { title: 'app.name', light: true },
      },
      {
        path: '403',
        name: 'forbidden',
        component: () => import('../views/common/ErrorPage.vue'),
        props: { kind: 'forbidden' },
        meta: { title: 'error.forbiddenTitle', light: true },
      },
      {
        path: ':rest(.*)*',
        name: 'not-found',
        component: () => import('../views/common/ErrorPage.vue'),
        props: { kind: 'notFound' },
        meta: { title: 'error.notFoundTitle', light: true },
      },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  if (to.meta.public) {
    // A logged-in user who opens /login goes home instead.
    if (to.name === 'login' && isLoggedIn()) return homePathFor(session.user)
    return true
  }
  if (!isLoggedIn()) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (to.meta.perm && !permissionsOf(session.user).has(to.meta.perm)) {
    return { name: 'forbidden' }
  }
  // The pages' date defaults read the server's today (stores/session.ts): measured before the
  // first page is made, once per load.
  await syncServerClock()
  return true
})

// A page that is not light needs the rest of Element Plus registered before it renders.
router.beforeEach(async (to) => {
  if (!to.meta.light) await installMoreElement()
  return true
})

/** The tab title: the page's name and the app's, in the chosen language. */
export function updateTitle(): void {
  const meta = router.currentRoute.value.meta
  const title = meta.title ? t(meta.title) : ''
  document.title = title ? `${title} · ${t('app.name')}` : t('app.name')
}

router.afterEach(() => updateTitle())
