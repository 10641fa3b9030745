import type { Source, SourceLocation } from 'graphql'

/**
 * Stop graphql-js from computing error locations itself, once a document is parsed.
 *
 * graphql-js turns an error's position into a line and column by scanning the document's
 * text from its start for line breaks, for every node of every error. On a document of tens
 * of thousands of lines each validation error then costs milliseconds. After parsing nothing
 * in graphql-js reads the text again but that scan, so the text is dropped from the source
 * (errors then carry `positions` and a placeholder location) and `locate` computes the real
 * lines and columns, binary-searching line starts that are found once per document.
 */
export function detachText(source: Source): void {
  source.body = ''
}

/** Line starts of a text, as graphql-js counts lines (`\r\n`, `\n` or `\r` ends one). */
export class LineIndex {
  private starts: number[] | null = null

  constructor(private readonly text: string) {}

  /** The 1-based `{ line, column }` of each character offset, as graphql-js reports them. */
  locate(positions: readonly number[]): SourceLocation[] {
    const starts = (this.starts ??= lineStarts(this.text))
    return positions.map((pos) => {
      let lo = 0
      let hi = starts.length - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if (starts[mid]! <= pos) lo = mid
        else hi = mid - 1
      }
      return { line: lo + 1, column: pos - starts[lo]! + 1 }
    })
  }
}

function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 10) starts.push(i + 1)
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++
      starts.push(i + 1)
    }
  }
  return starts
}
