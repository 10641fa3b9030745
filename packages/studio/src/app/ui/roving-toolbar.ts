import { useCallback, useState, type FocusEvent, type KeyboardEvent } from 'react'

/**
 * The WAI-ARIA toolbar pattern's roving tabindex: the toolbar is one Tab stop (the control
 * used last, else the first), and Left/Right (wrapping), Home and End move between its
 * controls. Up/Down stay with the control (a `<select>` still changes its value with them).
 *
 * Each control spreads `item(key)`; the toolbar element spreads `toolbar`.
 */
export function useRovingToolbar(keys: readonly string[]) {
  const [active, setActive] = useState<string | null>(null)
  const current = active !== null && keys.includes(active) ? active : (keys[0] ?? null)

  const onKeyDown = useCallback((e: KeyboardEvent<HTMLElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return
    const move = { ArrowRight: 1, ArrowLeft: -1, Home: 'first', End: 'last' }[e.key]
    if (move === undefined) return
    const items = [...e.currentTarget.querySelectorAll<HTMLElement>('[data-toolbar-item]')].filter(
      (el) => !(el as HTMLButtonElement).disabled,
    )
    const at = items.indexOf(e.target as HTMLElement)
    if (at === -1 || items.length === 0) return
    e.preventDefault()
    const next =
      move === 'first'
        ? 0
        : move === 'last'
          ? items.length - 1
          : (at + (move as number) + items.length) % items.length
    items[next]!.focus()
  }, [])

  const onFocus = useCallback((e: FocusEvent<HTMLElement>) => {
    const key = (e.target as HTMLElement).dataset.toolbarItem
    if (key !== undefined) setActive(key)
  }, [])

  return {
    toolbar: { onKeyDown, onFocus },
    item: (key: string) => ({
      'data-toolbar-item': key,
      tabIndex: key === current ? 0 : -1,
    }),
  }
}
