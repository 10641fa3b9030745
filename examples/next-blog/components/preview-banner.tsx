'use client'

import { usePathname } from 'next/navigation'

/**
 * Shown on every page in draft mode. Exiting is a form POST: a GET (or a link prefetch)
 * must never end draft mode. The route answers 303 back to this page, now public.
 */
export function PreviewBanner({ label }: { label: string }) {
  const pathname = usePathname() || '/'
  return (
    <div className="preview-banner" role="status" data-testid="preview-banner">
      <span>{label}</span>
      <form method="post" action={`/api/disable-draft?redirect=${encodeURIComponent(pathname)}`}>
        <button type="submit">Exit preview</button>
      </form>
    </div>
  )
}
