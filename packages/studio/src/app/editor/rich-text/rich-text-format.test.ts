import { createHeadlessEditor } from '@lexical/headless'
import { LinkNode } from '@lexical/link'
import { ListItemNode, ListNode } from '@lexical/list'
import { HeadingNode, QuoteNode } from '@lexical/rich-text'
import fc from 'fast-check'
import { $createTextNode, $getRoot, $isElementNode, type LexicalEditor } from 'lexical'
import { describe, expect, it } from 'vitest'
import { fromLexical, toLexical, type SerializedState } from './lexical-json'
import {
  canonicalRichText,
  MARKS,
  richTextToOutline,
  richTextToPlain,
  unsupportedRichText,
  type RichText,
  type RichTextInline,
  type TextLeaf,
} from './rich-text-format'

const text = fc.string({
  unit: fc.constantFrom('a', 'b', 'Z', ' ', '\n', 'é', '😀', '<', '&', '"'),
  maxLength: 8,
})
const leaf: fc.Arbitrary<TextLeaf> = fc
  .record({ text, marks: fc.subarray([...MARKS]) })
  .map(({ text, marks }) => Object.assign({ text }, ...marks.map((m) => ({ [m]: true }))))
const inline: fc.Arbitrary<RichTextInline> = fc.oneof(
  { weight: 4, arbitrary: leaf },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('link' as const),
      url: fc.constantFrom('https://example.com/a?b=1', '/posts/x', 'mailto:a@b.c'),
      children: fc.array(leaf, { minLength: 1, maxLength: 3 }),
    }),
  },
)
const inlines = fc.array(inline, { maxLength: 5 })
const richText: fc.Arbitrary<RichText> = fc.array(
  fc.oneof(
    fc.record({ type: fc.constant('paragraph' as const), children: inlines }),
    fc.record({
      type: fc.constant('heading' as const),
      level: fc.constantFrom(1, 2, 3, 4, 5, 6) as fc.Arbitrary<1>,
      children: inlines,
    }),
    fc.record({ type: fc.constant('quote' as const), children: inlines }),
    fc.record({
      type: fc.constant('list' as const),
      ordered: fc.boolean(),
      children: fc.array(fc.record({ type: fc.constant('listItem' as const), children: inlines }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
  ),
  { maxLength: 5 },
)

/** What a document's editor writes after loading `v`: the editor's own state, exported again. */
function throughLexical(v: RichText): RichText {
  const editor = newEditor()
  editor.setEditorState(editor.parseEditorState(JSON.stringify(toLexical(v))))
  return fromLexical(editor.getEditorState().toJSON() as unknown as SerializedState)
}

function newEditor(): LexicalEditor {
  return createHeadlessEditor({
    nodes: [HeadingNode, QuoteNode, ListNode, ListItemNode, LinkNode],
    onError: (e) => {
      throw e
    },
  })
}

/** An empty value is written as []; one empty paragraph reads the same. */
const emptyAsNone = (v: RichText) =>
  v.length === 1 && v[0]!.type === 'paragraph' && v[0]!.children.length === 0 ? [] : v

describe('rich text ⇄ Lexical', () => {
  it('gives back every canonical value unchanged, through the JSON conversion alone', () => {
    fc.assert(
      fc.property(richText, (v) => {
        const canonical = emptyAsNone(canonicalRichText(v))
        expect(fromLexical(toLexical(canonical))).toEqual(canonical)
      }),
      { numRuns: 300 },
    )
  })

  it('gives back every canonical value unchanged through a real Lexical editor', () => {
    fc.assert(
      fc.property(richText, (v) => {
        const canonical = emptyAsNone(canonicalRichText(v))
        expect(throughLexical(canonical)).toEqual(canonical)
        // Canonical form keeps the text and its marks, character by character.
        expect(richTextToPlain(canonical)).toBe(richTextToPlain(v))
      }),
      { numRuns: 200 },
    )
  })

  it('canonical form is stable: canonicalising twice changes nothing', () => {
    fc.assert(
      fc.property(richText, (v) => {
        const once = canonicalRichText(v)
        expect(canonicalRichText(once)).toEqual(once)
      }),
      { numRuns: 500 },
    )
    // Found by the property above: an empty link between two runs of the same marks.
    const v: RichText = [
      {
        type: 'paragraph',
        children: [
          { text: 'a' },
          { type: 'link', url: '/x', children: [{ text: '' }] },
          { text: 'b' },
        ],
      },
    ]
    expect(canonicalRichText(v)).toEqual([{ type: 'paragraph', children: [{ text: 'ab' }] }])
  })

  it('accepts every value it can represent, and nothing it would have to drop', () => {
    fc.assert(fc.property(richText, (v) => unsupportedRichText(v) === null))
    expect(unsupportedRichText(null)).toBeNull()
    expect(unsupportedRichText([{ type: 'image', src: '/a.png' }])).toBe('a block of type "image"')
    expect(unsupportedRichText([{ type: 'paragraph', children: [{ text: 'a', sup: true }] }])).toBe(
      'a text mark "sup" the editor does not know',
    )
    expect(unsupportedRichText([{ type: 'heading', level: 9, children: [] }])).toMatch(/level/)
    expect(unsupportedRichText([{ type: 'paragraph', align: 'center', children: [] }])).toMatch(
      /"align"/,
    )
    expect(unsupportedRichText({ type: 'paragraph' })).toMatch(/not a list/)
  })

  it('reads the example blog seed as it is written', () => {
    const seed = [{ type: 'paragraph', children: [{ text: 'Welcome to the example blog.' }] }]
    expect(unsupportedRichText(seed)).toBeNull()
    expect(throughLexical(seed as RichText)).toEqual(seed)
  })

  it('writes what is typed and formatted in the editor', () => {
    const editor = newEditor()
    editor.setEditorState(editor.parseEditorState(JSON.stringify(toLexical(null))))
    editor.update(
      () => {
        const p = $getRoot().getFirstChild()!
        if (!$isElementNode(p)) throw new Error('no paragraph')
        p.append($createTextNode('plain '), $createTextNode('strong').toggleFormat('bold'))
        p.append($createTextNode(' code').toggleFormat('code'))
      },
      { discrete: true },
    )
    const out = fromLexical(editor.getEditorState().toJSON() as unknown as SerializedState)
    expect(out).toEqual([
      {
        type: 'paragraph',
        children: [
          { text: 'plain ' },
          { text: 'strong', bold: true },
          { text: ' code', code: true },
        ],
      },
    ])
  })

  it('outlines a value for the history diff', () => {
    const v: RichText = [
      { type: 'heading', level: 2, children: [{ text: 'Title' }] },
      { type: 'quote', children: [{ text: 'Said' }] },
      {
        type: 'list',
        ordered: true,
        children: [
          {
            type: 'listItem',
            children: [{ type: 'link', url: '/x', children: [{ text: 'one' }] }],
          },
        ],
      },
    ]
    expect(richTextToOutline(v)).toBe('## Title\n> Said\n1. one')
  })

  it('flattens a nested list into its parent, keeping every item', () => {
    const nested: SerializedState = {
      root: {
        type: 'root',
        children: [
          {
            type: 'list',
            listType: 'number',
            children: [
              { type: 'listitem', children: [{ type: 'text', text: 'one', format: 0 }] },
              {
                type: 'listitem',
                children: [
                  {
                    type: 'list',
                    listType: 'bullet',
                    children: [{ type: 'listitem', children: [{ type: 'text', text: 'one.a' }] }],
                  },
                ],
              },
            ],
          },
        ],
      },
    }
    expect(fromLexical(nested)).toEqual([
      {
        type: 'list',
        ordered: true,
        children: [
          { type: 'listItem', children: [{ text: 'one' }] },
          { type: 'listItem', children: [{ text: 'one.a' }] },
        ],
      },
    ])
  })
})
