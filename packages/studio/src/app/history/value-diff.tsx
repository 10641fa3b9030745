import { diffWords } from 'diff'
import type { FieldSchema } from '../../schema-types'
import {
  richTextToOutline,
  unsupportedRichText,
  type RichText,
} from '../editor/rich-text/rich-text-format'

/** A value as text for comparing: text as is, rich text as an outline, everything else as indented JSON. */
export function diffText(v: unknown, field?: FieldSchema): string {
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return v
  if (field?.type === 'richText' && unsupportedRichText(v) === null)
    return richTextToOutline(v as RichText)
  return JSON.stringify(v, null, 2)
}

/** Word-level changes of one field between two revisions: removed words struck through, added underlined. */
export function ValueDiff({
  field,
  before,
  after,
}: {
  field: FieldSchema
  before: unknown
  after: unknown
}) {
  const a = diffText(before, field)
  const b = diffText(after, field)
  const structured =
    field.type !== 'richText' && (typeof before === 'object' || typeof after === 'object')
  const parts = diffWords(a, b)
  return (
    <div className={`diff${structured ? ' diff-code' : ''}`}>
      <h3>{field.label}</h3>
      <p className="diff-body">
        {parts.map((p, i) =>
          p.added ? (
            <ins key={i}>{p.value}</ins>
          ) : p.removed ? (
            <del key={i}>{p.value}</del>
          ) : (
            <span key={i}>{p.value}</span>
          ),
        )}
        {a === '' && b === '' && <span className="muted">(empty)</span>}
      </p>
    </div>
  )
}
