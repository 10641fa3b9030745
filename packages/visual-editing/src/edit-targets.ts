import { findMarks, mayHoldMark, parseRef, type EditTarget } from './stega-marks'

/** The attribute that marks a non-string value as editable: `data-galley-edit="posts/p1#cover"`. */
export const EDIT_ATTRIBUTE = 'data-galley-edit'
const MARKED_ATTRIBUTES = ['alt', 'title', 'aria-label'] as const

/**
 * Finds every editable element under `root`: parents of text holding a Galley mark, elements
 * whose `alt`, `title` or `aria-label` holds one, and elements with `data-galley-edit`.
 * Elements of the overlay itself, scripts and styles are skipped.
 */
export function findEditTargets(root: ParentNode): Map<Element, EditTarget> {
  const found = new Map<Element, EditTarget>()
  const doc = (root as Node).ownerDocument ?? (root as Document)
  const walker = doc.createTreeWalker(root as Node, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue ?? ''
    if (!mayHoldMark(text)) continue
    const parent = node.parentElement
    if (!parent || skip(parent)) continue
    const [mark] = findMarks(text)
    if (mark && !found.has(parent)) found.set(parent, { document: mark.document, path: mark.path })
  }
  const selector = [...MARKED_ATTRIBUTES.map((a) => `[${a}]`), `[${EDIT_ATTRIBUTE}]`].join(',')
  for (const element of root.querySelectorAll(selector)) {
    if (skip(element)) continue
    const explicit = element.getAttribute(EDIT_ATTRIBUTE)
    const target = explicit !== null ? parseRef(explicit) : undefined
    if (target) {
      found.set(element, target)
      continue
    }
    for (const name of MARKED_ATTRIBUTES) {
      const value = element.getAttribute(name)
      if (value === null || !mayHoldMark(value)) continue
      const [mark] = findMarks(value)
      if (mark && !found.has(element))
        found.set(element, { document: mark.document, path: mark.path })
    }
  }
  return found
}

function skip(element: Element): boolean {
  const tag = element.tagName
  return (
    tag === 'SCRIPT' || tag === 'STYLE' || tag === 'TEMPLATE' || !!element.closest('galley-overlay')
  )
}

/** "Blocks 1 › Title" for `blocks.0.title`: what the outline's label calls a field. */
export function fieldLabel(path: string): string {
  if (path === '') return 'Document'
  return path
    .split('.')
    .map((step) => {
      const text = safeDecode(step)
      if (/^\d+$/.test(text)) return `#${Number(text) + 1}`
      return text
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .replace(/[_-]+/g, ' ')
        .replace(/^./, (c) => c.toUpperCase())
    })
    .join(' › ')
}

/** "posts · p1" for `posts/p1`, "settings" for `~settings`. */
export function documentLabel(document: string): string {
  if (document.startsWith('~')) return safeDecode(document.slice(1))
  const [collection, id] = document.split('/')
  return `${safeDecode(collection)} · ${safeDecode(id)}`
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
