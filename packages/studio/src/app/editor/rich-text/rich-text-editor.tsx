import { $createLinkNode, $isLinkNode, LinkNode, TOGGLE_LINK_COMMAND } from '@lexical/link'
import {
  $isListNode,
  INSERT_ORDERED_LIST_COMMAND,
  INSERT_UNORDERED_LIST_COMMAND,
  ListItemNode,
  ListNode,
} from '@lexical/list'
import { LexicalComposer } from '@lexical/react/LexicalComposer'
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { ContentEditable } from '@lexical/react/LexicalContentEditable'
import { LexicalErrorBoundary } from '@lexical/react/LexicalErrorBoundary'
import { HistoryPlugin } from '@lexical/react/LexicalHistoryPlugin'
import { LinkPlugin } from '@lexical/react/LexicalLinkPlugin'
import { ListPlugin } from '@lexical/react/LexicalListPlugin'
import { RichTextPlugin } from '@lexical/react/LexicalRichTextPlugin'
import {
  $createHeadingNode,
  $createQuoteNode,
  $isHeadingNode,
  $isQuoteNode,
  HeadingNode,
  QuoteNode,
} from '@lexical/rich-text'
import { $setBlocksType } from '@lexical/selection'
import { $findMatchingParent, $getNearestNodeOfType } from '@lexical/utils'
import {
  $createParagraphNode,
  $createTextNode,
  $getSelection,
  $isRangeSelection,
  FORMAT_TEXT_COMMAND,
  type EditorState,
  type TextFormatType,
} from 'lexical'
import { useEffect, useRef, useState } from 'react'
import { fromLexical, toLexical, type SerializedState } from './lexical-json'
import { type RichText } from './rich-text-format'
import { useRovingToolbar } from '../../ui/roving-toolbar'

/** What the field input gives the editor: the value, where to write it, and its label's ids. */
export interface RichTextEditorProps {
  id: string
  labelId: string
  describedBy: string | undefined
  invalid: boolean
  required: boolean
  readOnly: boolean
  value: RichText | null
  /** Called with the new value after an edit (never on load or for an outside change). */
  onChange: (value: RichText) => void
}

const same = (a: RichText | null, b: RichText | null) =>
  JSON.stringify(a?.length ? a : []) === JSON.stringify(b?.length ? b : [])

/**
 * A Lexical editor for one `richText` field: paragraphs, headings, quotes, bulleted and
 * numbered lists, links, bold, italic, underline, strikethrough and inline code. Loaded on
 * demand (its own chunk) the first time a rich text field is on screen.
 */
export function RichTextEditor(props: RichTextEditorProps) {
  const [initial] = useState(() => JSON.stringify(toLexical(props.value)))
  return (
    <LexicalComposer
      initialConfig={{
        namespace: `galley-${props.id}`,
        nodes: [HeadingNode, QuoteNode, ListNode, ListItemNode, LinkNode],
        editorState: initial,
        editable: !props.readOnly,
        theme: THEME,
        onError: (err) => {
          throw err
        },
      }}
    >
      <div className={`rich-text${props.invalid ? ' invalid' : ''}`}>
        {!props.readOnly && <Toolbar id={props.id} />}
        <RichTextPlugin
          contentEditable={
            <ContentEditable
              id={props.id}
              className="rich-text-input"
              aria-labelledby={props.labelId}
              aria-describedby={props.describedBy}
              aria-invalid={props.invalid || undefined}
              aria-required={props.required || undefined}
              aria-multiline
              role="textbox"
            />
          }
          ErrorBoundary={LexicalErrorBoundary}
        />
        <HistoryPlugin />
        <ListPlugin />
        <LinkPlugin validateUrl={isSafeUrl} />
        <Sync value={props.value} onChange={props.onChange} />
      </div>
    </LexicalComposer>
  )
}

/** `javascript:` and other scripts never become a link. */
function isSafeUrl(url: string): boolean {
  return /^(https?:|mailto:|tel:|\/|#)/i.test(url.trim())
}

/**
 * Keeps the editor and the form value in step: an edit writes the value (only when it
 * differs, so loading a document never marks it changed); a value replaced from outside (a
 * revert, "take theirs", a restore) is loaded into the editor.
 */
function Sync({ value, onChange }: { value: RichText | null; onChange: (v: RichText) => void }) {
  const [editor] = useLexicalComposerContext()
  const written = useRef<RichText | null>(value)
  const change = useRef(onChange)
  change.current = onChange
  useEffect(
    () =>
      editor.registerUpdateListener(({ editorState, dirtyElements, dirtyLeaves, tags }) => {
        if (tags.has('galley-load') || (dirtyElements.size === 0 && dirtyLeaves.size === 0)) return
        const next = readValue(editorState)
        if (same(next, written.current)) return
        written.current = next
        change.current(next)
      }),
    [editor],
  )
  useEffect(() => {
    if (value === written.current || same(value, readValue(editor.getEditorState()))) {
      written.current = value
      return
    }
    written.current = value
    editor.setEditorState(editor.parseEditorState(JSON.stringify(toLexical(value))), {
      tag: 'galley-load',
    })
  }, [editor, value])
  return null
}

function readValue(state: EditorState): RichText {
  return fromLexical(state.toJSON() as unknown as SerializedState)
}

type BlockKind = 'paragraph' | 'h2' | 'h3' | 'h4' | 'quote' | 'bullet' | 'number'
const BLOCKS: Array<{ value: BlockKind; label: string }> = [
  { value: 'paragraph', label: 'Paragraph' },
  { value: 'h2', label: 'Heading 2' },
  { value: 'h3', label: 'Heading 3' },
  { value: 'h4', label: 'Heading 4' },
  { value: 'quote', label: 'Quote' },
  { value: 'bullet', label: 'Bulleted list' },
  { value: 'number', label: 'Numbered list' },
]
const FORMATS: Array<{ format: TextFormatType; label: string; key: string }> = [
  { format: 'bold', label: 'Bold', key: 'Ctrl+B' },
  { format: 'italic', label: 'Italic', key: 'Ctrl+I' },
  { format: 'underline', label: 'Underline', key: 'Ctrl+U' },
  { format: 'strikethrough', label: 'Strikethrough', key: '' },
  { format: 'code', label: 'Code', key: '' },
]

interface ToolbarState {
  block: BlockKind | 'other'
  formats: Set<TextFormatType>
  link: string | null
}

function Toolbar({ id }: { id: string }) {
  const [editor] = useLexicalComposerContext()
  const [state, setState] = useState<ToolbarState>({
    block: 'paragraph',
    formats: new Set(),
    link: null,
  })
  const [linkOpen, setLinkOpen] = useState(false)
  const [url, setUrl] = useState('')
  const [urlError, setUrlError] = useState<string | null>(null)
  useEffect(
    () =>
      editor.registerUpdateListener(({ editorState }) =>
        editorState.read(() => {
          const next = readToolbar()
          if (next) setState(next)
        }),
      ),
    [editor],
  )

  function setBlock(kind: BlockKind) {
    if (kind === 'bullet') return editor.dispatchCommand(INSERT_UNORDERED_LIST_COMMAND, undefined)
    if (kind === 'number') return editor.dispatchCommand(INSERT_ORDERED_LIST_COMMAND, undefined)
    editor.update(() => {
      const selection = $getSelection()
      if (!$isRangeSelection(selection)) return
      $setBlocksType(selection, () =>
        kind === 'paragraph'
          ? $createParagraphNode()
          : kind === 'quote'
            ? $createQuoteNode()
            : $createHeadingNode(kind),
      )
    })
  }

  function applyLink(e: React.FormEvent) {
    e.preventDefault()
    const u = url.trim()
    if (!isSafeUrl(u)) {
      setUrlError('Use a web address (https://…), a path (/…), mailto: or tel:.')
      return
    }
    let inserted = false
    editor.update(
      () => {
        const selection = $getSelection()
        // With nothing selected (and no link to change), the address becomes the link's text.
        if ($isRangeSelection(selection) && selection.isCollapsed() && state.link === null) {
          selection.insertNodes([$createLinkNode(u).append($createTextNode(u))])
          inserted = true
        }
      },
      { discrete: true },
    )
    if (!inserted) editor.dispatchCommand(TOGGLE_LINK_COMMAND, u)
    setLinkOpen(false)
    setUrlError(null)
    editor.focus()
  }

  const roving = useRovingToolbar([
    'block',
    ...FORMATS.map((f) => f.format),
    'link',
    ...(state.link !== null ? ['unlink'] : []),
  ])
  return (
    <>
      <div
        className="rich-text-toolbar"
        role="toolbar"
        aria-label="Text formatting"
        aria-controls={id}
        {...roving.toolbar}
      >
        <label className="visually-hidden" htmlFor={`${id}-block`}>
          Text style
        </label>
        <select
          id={`${id}-block`}
          {...roving.item('block')}
          value={state.block === 'other' ? 'paragraph' : state.block}
          onChange={(e) => setBlock(e.target.value as BlockKind)}
        >
          {BLOCKS.map((b) => (
            <option key={b.value} value={b.value}>
              {b.label}
            </option>
          ))}
        </select>
        {FORMATS.map((f) => (
          <button
            key={f.format}
            type="button"
            className={`format format-${f.format}`}
            {...roving.item(f.format)}
            aria-pressed={state.formats.has(f.format)}
            title={f.key ? `${f.label} (${f.key})` : f.label}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => editor.dispatchCommand(FORMAT_TEXT_COMMAND, f.format)}
          >
            {f.label}
          </button>
        ))}
        <button
          type="button"
          aria-pressed={state.link !== null}
          aria-expanded={linkOpen}
          aria-controls={linkOpen ? `${id}-link` : undefined}
          {...roving.item('link')}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => {
            setUrl(state.link ?? 'https://')
            setUrlError(null)
            setLinkOpen((o) => !o)
          }}
        >
          Link
        </button>
        {state.link !== null && (
          <button
            type="button"
            {...roving.item('unlink')}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => editor.dispatchCommand(TOGGLE_LINK_COMMAND, null)}
          >
            Remove link
          </button>
        )}
      </div>
      {linkOpen && (
        <div className="link-form" id={`${id}-link`} role="group" aria-label="Link">
          <label htmlFor={`${id}-url`}>Link address</label>
          <input
            id={`${id}-url`}
            type="text"
            inputMode="url"
            value={url}
            autoFocus
            onChange={(e) => setUrl(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') applyLink(e)
              if (e.key === 'Escape') setLinkOpen(false)
            }}
            aria-invalid={urlError ? true : undefined}
            aria-describedby={urlError ? `${id}-url-error` : undefined}
          />
          <button type="button" onClick={applyLink}>
            Apply link
          </button>
          {urlError && (
            <p className="field-error" id={`${id}-url-error`}>
              {urlError}
            </p>
          )}
        </div>
      )}
    </>
  )
}

/** What the toolbar shows for the current selection (null: no range selection in this editor). */
function readToolbar(): ToolbarState | null {
  const selection = $getSelection()
  if (!$isRangeSelection(selection)) return null
  const anchor = selection.anchor.getNode()
  const top = anchor.getKey() === 'root' ? anchor : anchor.getTopLevelElementOrThrow()
  let block: ToolbarState['block'] = 'other'
  if ($isListNode(top)) {
    const list = $getNearestNodeOfType(anchor, ListNode) ?? top
    block = list.getListType() === 'number' ? 'number' : 'bullet'
  } else if ($isHeadingNode(top)) {
    const tag = top.getTag()
    block = tag === 'h2' || tag === 'h3' || tag === 'h4' ? tag : 'other'
  } else if ($isQuoteNode(top)) block = 'quote'
  else block = 'paragraph'
  const formats = new Set<TextFormatType>()
  for (const f of FORMATS) if (selection.hasFormat(f.format)) formats.add(f.format)
  const link = $findMatchingParent(anchor, $isLinkNode)
  return { block, formats, link: link && $isLinkNode(link) ? link.getURL() : null }
}

/** Class names on the editor's elements, styled in styles.css. */
const THEME = {
  paragraph: 'rt-p',
  quote: 'rt-quote',
  heading: { h1: 'rt-h1', h2: 'rt-h2', h3: 'rt-h3', h4: 'rt-h4', h5: 'rt-h5', h6: 'rt-h6' },
  list: { ul: 'rt-ul', ol: 'rt-ol', listitem: 'rt-li' },
  link: 'rt-link',
  text: {
    bold: 'rt-bold',
    italic: 'rt-italic',
    underline: 'rt-underline',
    strikethrough: 'rt-strike',
    underlineStrikethrough: 'rt-underline rt-strike',
    code: 'rt-code',
  },
}
