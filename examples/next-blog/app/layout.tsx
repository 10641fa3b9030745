import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import Link from 'next/link'
import { stegaClean } from '@galley/client'
import { PreviewBanner } from '@/components/preview-banner'
import { DraftVisualEditing } from '@/components/draft-tools'
import { getReader } from '@/lib/draft-mode'
import { studioOrigin, type Reader } from '@/lib/galley-client'
import { getSettings } from '@/lib/queries'
import './globals.css'

export async function generateMetadata(): Promise<Metadata> {
  const settings = await getSettings(await getReader())
  const siteName = stegaClean(settings.siteName)
  return {
    title: { default: siteName, template: `%s — ${siteName}` },
    description: settings.tagline ? stegaClean(settings.tagline) : undefined,
  }
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const reader = await getReader()
  const settings = await getSettings(reader)
  return (
    <html lang="en">
      <body>
        {reader.mode !== 'public' && <PreviewBanner label={bannerLabel(reader)} />}
        <header className="site-header">
          <div>
            <Link href="/" className="site-name">
              {settings.siteName}
            </Link>
            {settings.tagline && <p className="tagline">{settings.tagline}</p>}
          </div>
          <nav>
            <Link href="/">Posts</Link>
            <Link href="/about">About</Link>
          </nav>
        </header>
        <main>{children}</main>
        <footer className="site-footer">
          Content from Galley · static for the public, live in preview.
        </footer>
        {reader.mode === 'preview' && !reader.ended() && (
          <DraftVisualEditing studioOrigin={studioOrigin()} />
        )}
      </body>
    </html>
  )
}

function bannerLabel(reader: Reader): string {
  if (reader.mode !== 'preview')
    return 'Preview mode ended (link expired) — showing published content.'
  if (reader.ended())
    return 'Preview ended (the link was revoked or expired) — showing published content.'
  const perspective = String(reader.perspective).split(',').join(' → ')
  return `Preview mode — showing ${perspective} content.`
}
