import type { Metadata } from 'next'
import { getReader } from '@/lib/draft-mode'
import { TAGS } from '@/lib/galley-client'
import { getSettings } from '@/lib/queries'

export const metadata: Metadata = { title: 'About' }

export default async function AboutPage() {
  const reader = await getReader()
  const [settings, { docs: authors }] = await Promise.all([
    getSettings(reader),
    reader.client([TAGS.authors]).find('authors', { sort: 'name', limit: 50 }),
  ])
  return (
    <>
      <h1 data-testid="about-title">About {settings.siteName}</h1>
      {settings.tagline && <p>{settings.tagline}</p>}
      <p>
        This site is the Galley example: every page is rendered ahead of time from published content
        and refreshed when an editor publishes; editors with a preview link see their drafts here
        before anyone else does.
      </p>
      {authors.length > 0 && (
        <>
          <h2>Authors</h2>
          <ul>
            {authors.map((a) => (
              <li key={a.id}>
                <strong>{a.name}</strong>
                {a.bio && <> — {a.bio}</>}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  )
}
