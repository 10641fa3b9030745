'use client'

import { useRouter } from 'next/navigation'
import { VisualEditing } from '@galley/visual-editing/react'

/**
 * Click-to-edit overlays and live preview, rendered by the layout in draft mode only (the
 * public pages never load this code). `studioOrigin` is where the Galley Studio runs.
 */
export function DraftVisualEditing({ studioOrigin }: { studioOrigin: string }) {
  const router = useRouter()
  return (
    <VisualEditing
      studioOrigins={[studioOrigin]}
      studioUrl={`${studioOrigin}/admin`}
      refresh={() => router.refresh()}
      navigate={(path) => router.push(path)}
    />
  )
}
