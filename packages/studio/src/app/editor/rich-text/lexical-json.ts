import {
  canonicalRichText,
  MARKS,
  type Mark,
  type RichText,
  type RichTextBlock,
  type RichTextInline,
  type TextLeaf,
} from './rich-text-format'

/**
 * Galley's rich text to and from Lexical's serialized editor state (what
 * `editor.getEditorState().toJSON()` gives and `editor.parseEditorState()` takes). Plain JSON
 * on both sides, so the conversion is tested without a browser; the round trip
 * `fromLexical(toLexical(v))` gives back `canonicalRichText(v)`.
 */

/** Lexical's text format bits (`TextNode.getFormat()`). */
const FORMAT_BITS: Record<Mark, number> = {
  bold: 1,
  italic: 2,
  strikethrough: 4,
  underline: 8,
  code: 16,
}

type LexicalNode = { type: string; [key: string]: unknown }
export interface SerializedState {
  root: LexicalNode & { children: LexicalNode[] }
}

const element = (type: string, children: LexicalNode[], extra: object = {}): LexicalNode => ({
  type,
  version: 1,
  direction: null,
  format: '',
  indent: 0,
  ...extra,
  children,
})

/** A Lexical editor state showing `value` (null, `[]` and a missing value show one empty paragraph). */
export function toLexical(value: RichText | null | undefined): SerializedState {
  const blocks: RichText = value && value.length ? value : [{ type: 'paragraph', children: [] }]
  return { root: element('root', blocks.map(blockToLexical)) as SerializedState['root'] }
}

function blockToLexical(b: RichTextBlock): LexicalNode {
  switch (b.type) {
    case 'heading':
      return element('heading', inlinesToLexical(b.children), { tag: `h${b.level}` })
    case 'quote':
      return element('quote', inlinesToLexical(b.children))
    case 'list':
      return element(
        'list',
        b.children.map((item, i) =>
          element('listitem', inlinesToLexical(item.children), { value: i + 1 }),
        ),
        {
          listType: b.ordered ? 'number' : 'bullet',
          start: 1,
          tag: b.ordered ? 'ol' : 'ul',
        },
      )
    default:
      return element('paragraph', inlinesToLexical(b.children), { textFormat: 0, textStyle: '' })
  }
}

function inlinesToLexical(children: RichTextInline[]): LexicalNode[] {
  return children.flatMap((c) =>
    'type' in c
      ? [
          element('link', c.children.flatMap(leafToLexical), {
            url: c.url,
            rel: null,
            target: null,
            title: null,
          }),
        ]
      : leafToLexical(c),
  )
}

function leafToLexical(leaf: TextLeaf): LexicalNode[] {
  let format = 0
  for (const m of MARKS) if (leaf[m]) format |= FORMAT_BITS[m]
  return leaf.text
    .split(/(\n)/)
    .filter((piece) => piece !== '')
    .map((piece) =>
      piece === '\n'
        ? { type: 'linebreak', version: 1 }
        : { type: 'text', version: 1, text: piece, format, style: '', mode: 'normal', detail: 0 },
    )
}

/** Galley's rich text of a Lexical editor state, in canonical form; an editor holding one empty paragraph is `[]`. */
export function fromLexical(state: SerializedState): RichText {
  const blocks = state.root.children.flatMap(blockFromLexical)
  const out = canonicalRichText(blocks)
  if (out.length === 1 && out[0]!.type === 'paragraph' && out[0]!.children.length === 0) return []
  return out
}

function children(node: LexicalNode): LexicalNode[] {
  return Array.isArray(node.children) ? (node.children as LexicalNode[]) : []
}

function blockFromLexical(node: LexicalNode): RichTextBlock[] {
  switch (node.type) {
    case 'heading': {
      const level = Number(String(node.tag ?? 'h2').slice(1))
      return [
        {
          type: 'heading',
          level: (level >= 1 && level <= 6 ? level : 2) as 1,
          children: inlinesFromLexical(children(node)),
        },
      ]
    }
    case 'quote':
      return [{ type: 'quote', children: inlinesFromLexical(children(node)) }]
    case 'list':
      return [
        {
          type: 'list',
          ordered: node.listType === 'number',
          // A nested list (Lexical indents by nesting) is flattened into its parent's items.
          children: listItems(node),
        },
      ]
    default:
      return [{ type: 'paragraph', children: inlinesFromLexical(children(node)) }]
  }
}

function listItems(list: LexicalNode): Array<{ type: 'listItem'; children: RichTextInline[] }> {
  return children(list).flatMap((item) => {
    const nested = children(item).filter((c) => c.type === 'list')
    const own = children(item).filter((c) => c.type !== 'list')
    const out =
      nested.length && own.length === 0
        ? []
        : [{ type: 'listItem' as const, children: inlinesFromLexical(own) }]
    return [...out, ...nested.flatMap(listItems)]
  })
}

function inlinesFromLexical(nodes: LexicalNode[]): RichTextInline[] {
  const out: RichTextInline[] = []
  for (const n of nodes) {
    if (n.type === 'link' || n.type === 'autolink') {
      out.push({
        type: 'link',
        url: String(n.url ?? ''),
        children: inlinesFromLexical(children(n)).flatMap((c) => ('type' in c ? c.children : [c])),
      })
    } else if (n.type === 'linebreak') out.push({ text: '\n' })
    else if (typeof n.text === 'string') {
      const leaf: TextLeaf = { text: n.text }
      const format = typeof n.format === 'number' ? n.format : 0
      for (const m of MARKS) if (format & FORMAT_BITS[m]) leaf[m] = true
      out.push(leaf)
    } else if (Array.isArray(n.children)) out.push(...inlinesFromLexical(children(n)))
  }
  return out
}
