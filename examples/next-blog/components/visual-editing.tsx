'use client'

import { useRouter } from 'next/navigation'
import { useEffect } from 'react'
import { VisualEditing } from '@galley/visual-editing/react'

/**
 * Click-to-edit overlays, live preview and live refresh on saved changes, rendered by the
 * layout in draft mode only (the public pages never load this code). `studioOrigin` is where
 * the Galley Studio runs.
 */
export function DraftVisualEditing({ studioOrigin }: { studioOrigin: string }) {
  const router = useRouter()
  // Saved changes (this editor's or anyone's) re-render the page in place: the Galley change
  // feed, proxied with the site's token by /api/galley-events, names what changed.
  useEffect(() => {
    const events = new EventSource('/api/galley-events')
    let timer: ReturnType<typeof setTimeout> | undefined
    // For tests and diagnostics: whether saved changes are being listened to.
    events.onopen = () => document.documentElement.setAttribute('data-galley-events', 'open')
    events.onmessage = () => {
      clearTimeout(timer)
      timer = setTimeout(() => router.refresh(), 150)
    }
    // The feed refused the session for good (its shared link or secret was revoked or
    // expired: 403): render again, which shows the published page and "Preview ended".
    events.onerror = () => {
      if (events.readyState !== EventSource.CLOSED) return // a dropped line: it reconnects
      document.documentElement.setAttribute('data-galley-events', 'closed')
      router.refresh()
    }
    return () => {
      clearTimeout(timer)
      events.close()
      // A feed refused for good stays marked `closed`: the render that follows it (the
      // published page, "Preview ended") unmounts this component right away.
      if (document.documentElement.getAttribute('data-galley-events') !== 'closed')
        document.documentElement.removeAttribute('data-galley-events')
    }
  }, [router])
  return (
    <VisualEditing
      studioOrigins={[studioOrigin]}
      studioUrl={`${studioOrigin}/admin`}
      refresh={() => router.refresh()}
      // A full load: the client router may hold a prefetched static copy of the page.
      navigate={(path) => window.location.assign(path)}
    />
  )
}
