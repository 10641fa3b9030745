import type { ReactNode } from 'react'
import type { RichTextBlock } from '@/lib/content-types'

/** Renders the example config's `richText` blocks: paragraphs, headings, quotes. */
export function RichText({ blocks }: { blocks: RichTextBlock[] | null | undefined }) {
  if (!Array.isArray(blocks)) return null
  return (
    <>
      {blocks.map((block, i) => {
        const text: ReactNode = (block.children ?? []).map((c) => c.text ?? '').join('')
        if (block.type === 'heading')
          return block.level === 3 ? <h3 key={i}>{text}</h3> : <h2 key={i}>{text}</h2>
        if (block.type === 'quote') return <blockquote key={i}>{text}</blockquote>
        return <p key={i}>{text}</p>
      })}
    </>
  )
}
