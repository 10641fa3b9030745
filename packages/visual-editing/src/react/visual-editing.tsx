'use client'
import { useEffect, useRef } from 'react'
import { enableVisualEditing, type VisualEditingOptions } from '../enable-visual-editing'

/** Props of {@link VisualEditing}: the options of `enableVisualEditing`. */
export type VisualEditingProps = VisualEditingOptions

/**
 * Overlays and live preview for a React page. Render it only in draft mode (it renders
 * nothing itself). In Next.js pass the router's `refresh` and `push`:
 *
 * @example
 * {isDraft && <VisualEditing studioOrigins={[studio]} refresh={router.refresh} navigate={router.push} />}
 */
export function VisualEditing(props: VisualEditingProps): null {
  // The latest callbacks, without restarting the channel when a parent re-renders.
  const latest = useRef(props)
  latest.current = props
  const origins = props.studioOrigins.join(' ')
  useEffect(() => {
    const session = enableVisualEditing({
      studioOrigins: origins.split(' '),
      studioUrl: latest.current.studioUrl,
      refresh: () => (latest.current.refresh ?? (() => location.reload()))(),
      navigate: (path) => (latest.current.navigate ?? ((p: string) => location.assign(p)))(path),
      onStatus: (connected) => latest.current.onStatus?.(connected),
    })
    return () => session.disable()
  }, [origins])
  return null
}
