/**
 * Asking before the open document is left with changes that would be lost: by a link inside
 * the Studio (a click), or by the browser's Back and Forward buttons (`popstate`). Closing the
 * tab is the editor's own `beforeunload`.
 *
 * Back and Forward cannot be cancelled; the address has already changed when `popstate`
 * fires. So every history entry the Studio makes carries its position (`galleyIdx` in
 * `history.state`, as the `history` package does for React Router), and a refused Back or
 * Forward is undone with `history.go(delta)` before the router hears of either move (this
 * listener runs in the capture phase, first, and stops the event).
 */

export const LEAVE_QUESTION = 'This document has unsaved changes. Leave without saving them?'

type Guard = () => boolean
const guards = new Set<Guard>()
let installed = false
let index = 0
/** The `history.go()` that undoes a refused move is in flight: its `popstate` is ours. */
let undoing = false

function indexOf(state: unknown): number | null {
  const idx = (state as { galleyIdx?: unknown } | null)?.galleyIdx
  return typeof idx === 'number' ? idx : null
}

function withIndex(state: unknown, idx: number): unknown {
  return state !== null && typeof state === 'object'
    ? { ...(state as object), galleyIdx: idx }
    : { galleyIdx: idx }
}

/**
 * While mounted, `atRisk()` says whether leaving now loses changes; if it does, leaving asks
 * first. Returns the unregister function (for a `useEffect` cleanup).
 */
export function guardLeaving(atRisk: Guard): () => void {
  installHistoryGuard()
  guards.add(atRisk)
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0) return
    if (e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return // a new tab or window
    const link = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null
    if (!link || link.target === '_blank') return
    // Only links to another Studio page: a jump within this page ("Skip to content") leaves
    // nothing, and leaving the Studio (another origin, /api/…) is the page's beforeunload.
    const to = new URL(link.href, location.href)
    if (to.origin !== location.origin || !to.pathname.startsWith('/admin')) return
    if (to.pathname === location.pathname && to.search === location.search) return
    if (atRisk() && !window.confirm(LEAVE_QUESTION)) {
      e.preventDefault()
      e.stopPropagation()
    }
  }
  document.addEventListener('click', onClick, true)
  return () => {
    guards.delete(atRisk)
    document.removeEventListener('click', onClick, true)
  }
}

/** Numbers the history entries and watches Back/Forward; once per page. */
export function installHistoryGuard(): void {
  if (installed || typeof window === 'undefined') return
  installed = true
  const start = indexOf(history.state)
  if (start === null) history.replaceState(withIndex(history.state, 0), '')
  else index = start

  // Entries made later (the router's navigate) get the next number; a replace keeps it.
  const push = history.pushState.bind(history)
  const replace = history.replaceState.bind(history)
  history.pushState = (state: unknown, unused: string, url?: string | URL | null) => {
    index += 1
    push(withIndex(state, index), unused, url)
  }
  history.replaceState = (state: unknown, unused: string, url?: string | URL | null) => {
    replace(withIndex(state, index), unused, url)
  }

  window.addEventListener(
    'popstate',
    (e) => {
      const to = indexOf(e.state)
      if (undoing) {
        // The address is back where the editor stayed; the router never saw it leave.
        undoing = false
        if (to !== null) index = to
        e.stopImmediatePropagation()
        return
      }
      if (to === null) return // an entry from outside the Studio: nothing to undo it with
      const from = index
      if (to !== from && [...guards].some((atRisk) => atRisk())) {
        if (!window.confirm(LEAVE_QUESTION)) {
          e.stopImmediatePropagation()
          undoing = true
          history.go(from - to)
          return
        }
      }
      index = to
    },
    true,
  )
}
