/*
 * Element Plus, registered piece by piece so a download carries only what its pages use, and
 * the icons the menu names. Two parts:
 *   - here, the shell: what the login page, the layout, the guardian's home and the error pages
 *     use, registered at start and so in the first download (a guardian's phone gets nothing
 *     more before their home page);
 *   - element-more.ts, the rest (tables, date pickers, selects, uploads...): a chunk of its own
 *     that the router loads (installMoreElement) before the first page without `meta.light`.
 * Add a component to the shell only when a light page uses it, else to element-more.ts;
 * element.test.ts checks every <el-*> tag of the app is registered and light pages use only
 * the shell.
 */
import type { App } from 'vue'
import {
  ElAlert, ElAside, ElButton, ElCard, ElConfigProvider, ElContainer, ElDialog, ElDrawer,
  ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon,
  ElInput, ElMain, ElMenu, ElMenuItem, ElResult, ElSkeleton,
} from 'element-plus'
import {
  DataAnalysis, Document, House, List, OfficeBuilding, Reading, School, Upload, User,
  UploadFilled, Menu as MenuIcon, Fold, Expand, SwitchButton, Plus, Refresh, Search,
  ArrowRight, Loading, Lock, UserFilled, ArrowLeft, Calendar, Bell, Promotion,
} from '@element-plus/icons-vue'

export const shellComponents = [
  ElAlert, ElAside, ElButton, ElCard, ElConfigProvider, ElContainer, ElDialog, ElDrawer,
  ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon,
  ElInput, ElMain, ElMenu, ElMenuItem, ElResult, ElSkeleton,
]

export const icons = {
  DataAnalysis, Document, House, List, OfficeBuilding, Reading, School, Upload, User,
  UploadFilled, MenuIcon, Fold, Expand, SwitchButton, Plus, Refresh, Search, ArrowRight,
  Loading, Lock, UserFilled, ArrowLeft, Calendar, Bell, Promotion,
}

type Plugin = { install: (a: App) => void }

let theApp: App | null = null
let more: Promise<void> | null = null

export function installElement(app: App): void {
  theApp = app
  for (const c of shellComponents) app.use(c as unknown as Plugin)
  for (const [name, c] of Object.entries(icons)) app.component(`Icon${name}`, c)
}

/** Loads and registers the rest of Element Plus once; a failed download is tried again next time. */
export function installMoreElement(): Promise<void> {
  if (!more) {
    more = import('./element-more').then(
      (m) => {
        for (const c of m.moreComponents) theApp?.use(c as unknown as Plugin)
      },
      (e) => {
        more = null
        throw e
      },
    )
  }
  return more
}
