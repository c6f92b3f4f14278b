/*
 * useConfirm: the one way a page asks before a destructive action, and offers to undo one that
 * can be undone. `confirmAction` resolves true only when the user confirms (cancel, the close
 * button and Esc all resolve false and nothing happens); the message says what will happen and
 * whether it can be undone. `offerUndo` shows a notice with an 撤销 button that calls `undo` once.
 */
import { h } from 'vue'
import { ElButton, ElMessageBox, ElNotification } from 'element-plus'
import { i18n } from '../locales'

export interface ConfirmOptions {
  title: string
  message: string
  confirmText: string
  /** red confirm button: the action cannot be undone */
  danger?: boolean
}

export async function confirmAction(o: ConfirmOptions): Promise<boolean> {
  const t = i18n.global.t
  return ElMessageBox.confirm(o.message, o.title, {
    type: 'warning',
    confirmButtonText: o.confirmText,
    cancelButtonText: t('common.cancel'),
    confirmButtonClass: o.danger ? 'el-button--danger' : undefined,
    customClass: 'sj-confirm',
    distinguishCancelAndClose: false,
  }).then(
    () => true,
    () => false,
  )
}

/** A notice after an action that can be undone, with a button that undoes it (once). */
export function offerUndo(message: string, undo: () => Promise<void>): void {
  const t = i18n.global.t
  let used = false
  const n = ElNotification({
    type: 'success',
    duration: 8000,
    customClass: 'sj-undo',
    message: h('div', { class: 'sj-undo-body' }, [
      h('span', message),
      h(
        ElButton,
        {
          size: 'small',
          link: true,
          type: 'primary',
          'data-test': 'undo',
          onClick: async () => {
            if (used) return
            used = true
            n.close()
            await undo()
          },
        },
        () => t('common.undo'),
      ),
    ]),
  })
}
