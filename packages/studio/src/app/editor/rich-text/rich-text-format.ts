/**
 * Galley's `richText` format as the Studio's editor reads and writes it: a list of blocks,
 * each an object with a string `type` (what the engine checks), in this shape:
 *
 * ```json
 * [
 *   { "type": "heading", "level": 2, "children": [{ "text": "Hello" }] },
 *   { "type": "paragraph", "children": [
 *       { "text": "Some " }, { "text": "bold", "bold": true }, { "text": " and " },
 *       { "type": "link", "url": "https://example.com", "children": [{ "text": "a link" }] } ] },
 *   { "type": "quote", "children": [{ "text": "Said someone." }] },
 *   { "type": "list", "ordered": false, "children": [
 *       { "type": "listItem", "children": [{ "text": "One" }] } ] }
 * ]
 * ```
 *
 * Text leaves carry their marks as `true` flags (`bold`, `italic`, `underline`,
 * `strikethrough`, `code`); a line break inside a block is a leaf of its own, `{ "text": "\n" }`.
 */
export type RichText = RichTextBlock[]

export type RichTextBlock = ParagraphBlock | HeadingBlock | QuoteBlock | ListBlock

export interface ParagraphBlock {
  type: 'paragraph'
  children: RichTextInline[]
}
export interface HeadingBlock {
  type: 'heading'
  level: 1 | 2 | 3 | 4 | 5 | 6
  children: RichTextInline[]
}
export interface QuoteBlock {
  type: 'quote'
  children: RichTextInline[]
}
export interface ListBlock {
  type: 'list'
  ordered: boolean
  children: ListItem[]
}
export interface ListItem {
  type: 'listItem'
  children: RichTextInline[]
}

export type RichTextInline = TextLeaf | LinkInline

export const MARKS = ['bold', 'italic', 'underline', 'strikethrough', 'code'] as const
export type Mark = (typeof MARKS)[number]

export type TextLeaf = { text: string } & { [M in Mark]?: true }

export interface LinkInline {
  type: 'link'
  url: string
  children: TextLeaf[]
}

const BLOCK_TYPES = new Set(['paragraph', 'heading', 'quote', 'list'])
const BLOCK_KEYS: Record<string, readonly string[]> = {
  paragraph: ['type', 'children'],
  heading: ['type', 'level', 'children'],
  quote: ['type', 'children'],
  list: ['type', 'ordered', 'children'],
}
const LEAF_KEYS = new Set<string>(['text', ...MARKS])

/**
 * Why the editor cannot show `value` without losing something (a block type it does not
 * know, an unknown property), or null when it can. Such a value is edited as JSON instead,
 * so nothing a script or another editor wrote is dropped by opening the document.
 */
export function unsupportedRichText(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (!Array.isArray(value)) return 'the value is not a list of blocks'
  for (const block of value) {
    const problem = blockProblem(block)
    if (problem) return problem
  }
  return null
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function extraKey(o: Record<string, unknown>, allowed: readonly string[] | Set<string>) {
  const set = allowed instanceof Set ? allowed : new Set(allowed)
  return Object.keys(o).find((k) => !set.has(k))
}

function blockProblem(block: unknown): string | null {
  if (!isObject(block) || typeof block.type !== 'string') return 'a block is not an object'
  if (!BLOCK_TYPES.has(block.type)) return `a block of type "${block.type}"`
  const extra = extraKey(block, BLOCK_KEYS[block.type]!)
  if (extra) return `a ${block.type} block with a "${extra}" property`
  if (!Array.isArray(block.children)) return `a ${block.type} block without children`
  if (block.type === 'heading') {
    const l = block.level
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 1 || l > 6)
      return 'a heading whose level is not 1–6'
  }
  if (block.type === 'list') {
    if (typeof block.ordered !== 'boolean') return 'a list without "ordered": true or false'
    for (const item of block.children) {
      if (!isObject(item) || item.type !== 'listItem') return 'a list entry that is not a listItem'
      if (extraKey(item, ['type', 'children'])) return 'a listItem with extra properties'
      if (!Array.isArray(item.children)) return 'a listItem without children'
      const p = inlinesProblem(item.children)
      if (p) return p
    }
    return null
  }
  return inlinesProblem(block.children)
}

function inlinesProblem(children: unknown[]): string | null {
  for (const c of children) {
    if (!isObject(c)) return 'an inline that is not an object'
    if ('type' in c) {
      if (c.type !== 'link') return `an inline of type "${String(c.type)}"`
      if (typeof c.url !== 'string') return 'a link without a url'
      if (extraKey(c, ['type', 'url', 'children'])) return 'a link with extra properties'
      if (!Array.isArray(c.children) || c.children.some((t) => leafProblem(t)))
        return 'a link whose children are not text'
      continue
    }
    const p = leafProblem(c)
    if (p) return p
  }
  return null
}

function leafProblem(c: unknown): string | null {
  if (!isObject(c) || typeof c.text !== 'string') return 'a text leaf without text'
  const extra = extraKey(c, LEAF_KEYS)
  if (extra) return `a text mark "${extra}" the editor does not know`
  for (const m of MARKS) if (m in c && c[m] !== true) return `a "${m}" mark that is not true`
  return null
}

/** The marks of a leaf, in `MARKS` order, as a comparable key. */
function marksKey(leaf: TextLeaf): string {
  return MARKS.filter((m) => leaf[m]).join(',')
}

/**
 * The one spelling of a value the editor writes back unchanged: adjacent leaves with the same
 * marks merged, empty leaves dropped, each line break a leaf of its own without marks, links
 * without text dropped, adjacent lists of one kind joined. Two values with the same canonical form look the same.
 */
export function canonicalRichText(value: RichText): RichText {
  const blocks = value.map((b): RichTextBlock =>
    b.type === 'list'
      ? {
          type: 'list',
          ordered: b.ordered,
          children: b.children.map((i) => ({
            type: 'listItem',
            children: canonicalInlines(i.children),
          })),
        }
      : b.type === 'heading'
        ? { type: 'heading', level: b.level, children: canonicalInlines(b.children) }
        : { type: b.type, children: canonicalInlines(b.children) },
  )
  // Two lists of one kind in a row are one list (Lexical joins them too).
  const out: RichText = []
  for (const b of blocks) {
    const last = out[out.length - 1]
    if (b.type === 'list' && last?.type === 'list' && last.ordered === b.ordered)
      out[out.length - 1] = { ...last, children: [...last.children, ...b.children] }
    else out.push(b)
  }
  return out
}

function canonicalInlines(children: RichTextInline[]): RichTextInline[] {
  const out: RichTextInline[] = []
  let run: TextLeaf[] = []
  const flush = () => {
    out.push(...canonicalLeaves(run))
    run = []
  }
  for (const c of children) {
    if ('type' in c) {
      const leaves = canonicalLeaves(c.children)
      // A link without text is dropped, and the text on both sides of it joins up.
      if (leaves.length === 0) continue
      flush()
      out.push({ type: 'link', url: c.url, children: leaves })
    } else run.push(c)
  }
  flush()
  return out
}

function canonicalLeaves(leaves: TextLeaf[]): TextLeaf[] {
  const out: TextLeaf[] = []
  for (const leaf of leaves) {
    for (const piece of leaf.text.split(/(\n)/)) {
      if (piece === '') continue
      const next: TextLeaf = piece === '\n' ? { text: '\n' } : withMarks(piece, leaf)
      const last = out[out.length - 1]
      if (last && last.text !== '\n' && piece !== '\n' && marksKey(last) === marksKey(next))
        out[out.length - 1] = { ...last, text: last.text + piece }
      else out.push(next)
    }
  }
  return out
}

function withMarks(text: string, from: TextLeaf): TextLeaf {
  const leaf: TextLeaf = { text }
  for (const m of MARKS) if (from[m]) leaf[m] = true
  return leaf
}

/** The plain text of a value (for the list's search, for diffs): blocks on lines of their own. */
export function richTextToPlain(value: RichText): string {
  const inline = (c: RichTextInline[]): string =>
    c.map((x) => ('type' in x ? x.children.map((t) => t.text).join('') : x.text)).join('')
  return value
    .flatMap((b) =>
      b.type === 'list' ? b.children.map((i) => inline(i.children)) : [inline(b.children)],
    )
    .join('\n')
}

/** A value as outlined text for comparing revisions: `## ` headings, `> ` quotes, `- ` and `1. ` list items. */
export function richTextToOutline(value: RichText): string {
  const inline = (c: RichTextInline[]): string =>
    c.map((x) => ('type' in x ? x.children.map((t) => t.text).join('') : x.text)).join('')
  return value
    .flatMap((b) =>
      b.type === 'list'
        ? b.children.map((item, i) => `${b.ordered ? `${i + 1}.` : '-'} ${inline(item.children)}`)
        : b.type === 'heading'
          ? [`${'#'.repeat(b.level)} ${inline(b.children)}`]
          : b.type === 'quote'
            ? [`> ${inline(b.children)}`]
            : [inline(b.children)],
    )
    .join('\n')
}
