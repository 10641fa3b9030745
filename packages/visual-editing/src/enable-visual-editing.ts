import { connectToStudio, type StudioChannel } from './frontend-channel'
import { liveStore } from './live-store'
import { createOverlay, type Overlay } from './overlay'

/** Options of {@link enableVisualEditing}. */
export interface VisualEditingOptions {
  /**
   * Origins of the Studios that may frame this page and receive its edits, e.g.
   * `['https://cms.example']`. Required; `'*'` is refused.
   */
  studioOrigins: readonly string[]
  /**
   * The Studio's URL, to open an edit in a new tab when the page is not inside the Studio's
   * presentation view, e.g. `https://cms.example/admin`. Default: clicks do nothing then.
   */
  studioUrl?: string
  /**
   * Re-render the page with fresh content (the Studio saved, or asked to refresh). Default:
   * `location.reload()`. Next.js: `router.refresh()`, which keeps the page and its state.
   */
  refresh?: () => void
  /** Go to a path of this site when the Studio selects another document. Default `location.assign`. */
  navigate?: (path: string) => void
  /** Called when the Studio connects or goes away. */
  onStatus?: (connected: boolean) => void
}

/** A running visual-editing session; `disable()` removes the overlay and closes the channel. */
export interface VisualEditing {
  readonly channel: StudioChannel
  readonly overlay: Overlay
  disable(): void
}

/** Marks the document as having the overlay, for the Studio's and tests' diagnostics. */
export const OVERLAY_ATTRIBUTE = 'data-galley-visual-editing'

/**
 * Turns on click-to-edit overlays and live preview for this page. Load it only in draft
 * mode. It outlines stega-marked strings and `data-galley-edit` elements, tells the Studio
 * which page is shown, opens the clicked field there, and applies the Studio's unsaved
 * values through `useLiveDocument` / `subscribeLiveDocument`.
 *
 * @example
 * if (draftMode) enableVisualEditing({ studioOrigins: ['https://cms.example'] })
 */
export function enableVisualEditing(options: VisualEditingOptions): VisualEditing {
  const refresh = options.refresh ?? (() => location.reload())
  const navigate = options.navigate ?? ((path: string) => location.assign(path))
  let lastUrl = location.href
  const channel: StudioChannel = connectToStudio({
    studioOrigins: options.studioOrigins,
    onStatus(connected) {
      if (connected) {
        lastUrl = location.href
        channel.send({ type: 'overlays', count: overlay.targets.size })
      } else liveStore.clear()
      options.onStatus?.(connected)
    },
    onMessage(message) {
      if (message.type === 'draft') liveStore.set(message.document, message.values)
      else if (message.type === 'refresh') refresh()
      else if (message.type === 'navigate') {
        if (message.path !== location.pathname + location.search) navigate(message.path)
      }
    },
  })
  const overlay = createOverlay({
    onEdit(target) {
      if (channel.connected) channel.send({ type: 'edit', ...target })
      else if (options.studioUrl) {
        const [collection, id] = target.document.split('/')
        const where = target.document.startsWith('~')
          ? `globals/${target.document.slice(1)}`
          : `collections/${collection}/${id}`
        window.open(
          `${options.studioUrl.replace(/\/+$/, '')}/${where}?path=${encodeURIComponent(target.path)}`,
          '_blank',
          'noopener',
        )
      }
    },
    onScan(count) {
      channel?.send({ type: 'overlays', count })
    },
  })
  // Client-side navigation (Next's router) changes the URL without a load: tell the Studio.
  const watch = setInterval(() => {
    if (location.href === lastUrl) return
    lastUrl = location.href
    channel.send({ type: 'navigated', url: location.href, title: document.title })
  }, 250)
  document.documentElement.setAttribute(OVERLAY_ATTRIBUTE, '1')
  return {
    channel,
    overlay,
    disable() {
      clearInterval(watch)
      overlay.destroy()
      channel.close()
      document.documentElement.removeAttribute(OVERLAY_ATTRIBUTE)
    },
  }
}
