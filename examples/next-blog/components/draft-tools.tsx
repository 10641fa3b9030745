'use client'

import dynamic from 'next/dynamic'

/*
 * The draft-mode tools, each in its own chunk that loads only when rendered: Next lists the
 * client components a route imports among its scripts whether or not they render, so the
 * public pages import only these two small wrappers, never the overlay or live-preview code.
 */

/** Overlays, live preview and live refresh; the layout renders it in draft mode only. */
export const DraftVisualEditing = dynamic(
  () => import('./visual-editing').then((m) => m.DraftVisualEditing),
  { ssr: false },
)

/** The post with the Studio's unsaved edits laid over it; rendered in draft mode only. */
export const LivePost = dynamic(() => import('./live-post').then((m) => m.LivePost))
