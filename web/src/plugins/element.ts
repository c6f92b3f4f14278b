/*
 * Element Plus, registered piece by piece so the bundle carries only what the app uses, and the
 * icons the menu names. Add a component here when a page starts using it.
 */
import type { App } from 'vue'
import {
  ElAlert, ElAside, ElButton, ElCard, ElCheckbox, ElCol, ElConfigProvider, ElContainer,
  ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog, ElDrawer, ElDropdown,
  ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElInput,
  ElInputNumber, ElLoading, ElMain, ElMenu, ElMenuItem, ElOption, ElPageHeader, ElPagination,
  ElProgress, ElResult, ElRow, ElSelect, ElSkeleton, ElStatistic, ElTabPane, ElTable,
  ElTableColumn, ElTabs, ElTag, ElUpload, ElBreadcrumb, ElBreadcrumbItem, ElTooltip, ElRadioGroup,
  ElRadioButton, ElRadio, ElSwitch,
} from 'element-plus'
import {
  DataAnalysis, Document, House, List, OfficeBuilding, Reading, School, Upload, User,
  UploadFilled, Menu as MenuIcon, Fold, Expand, SwitchButton, Plus, Refresh, Search,
  ArrowRight, Loading, Lock, UserFilled, ArrowLeft, Calendar,
} from '@element-plus/icons-vue'

const components = [
  ElAlert, ElAside, ElButton, ElCard, ElCheckbox, ElCol, ElConfigProvider, ElContainer,
  ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog, ElDrawer, ElDropdown,
  ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElInput,
  ElInputNumber, ElLoading, ElMain, ElMenu, ElMenuItem, ElOption, ElPageHeader, ElPagination,
  ElProgress, ElResult, ElRow, ElSelect, ElSkeleton, ElStatistic, ElTabPane, ElTable,
  ElTableColumn, ElTabs, ElTag, ElUpload, ElBreadcrumb, ElBreadcrumbItem, ElTooltip, ElRadioGroup,
  ElRadioButton, ElRadio, ElSwitch,
]

export const icons = {
  DataAnalysis, Document, House, List, OfficeBuilding, Reading, School, Upload, User,
  UploadFilled, MenuIcon, Fold, Expand, SwitchButton, Plus, Refresh, Search, ArrowRight,
  Loading, Lock, UserFilled, ArrowLeft, Calendar,
}

export function installElement(app: App): void {
  for (const c of components) app.use(c as unknown as { install: (a: App) => void })
  for (const [name, c] of Object.entries(icons)) app.component(`Icon${name}`, c)
}
