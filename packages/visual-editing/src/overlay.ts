import { documentLabel, fieldLabel, findEditTargets } from './edit-targets'
import type { EditTarget } from './stega-marks'

/** Options of {@link createOverlay}. */
export interface OverlayOptions {
  /** Called when an editor clicks an outlined element. */
  onEdit(target: EditTarget, element: Element): void
  /** Called after each scan with the number of editable elements. */
  onScan?(count: number): void
}

/** A running overlay. */
export interface Overlay {
  /** The editable elements found by the last scan. */
  readonly targets: ReadonlyMap<Element, EditTarget>
  /** Scan again now (the overlay also rescans on DOM changes). */
  scan(): void
  destroy(): void
}

const STYLE = `
:host { all: initial; }
.box { position: fixed; pointer-events: none; z-index: 2147483646; border: 2px solid #2563eb;
  border-radius: 3px; background: rgb(37 99 235 / 0.06); display: none; box-sizing: border-box; }
.label { position: absolute; left: -2px; bottom: 100%; margin-bottom: 2px; white-space: nowrap;
  font: 600 12px/1.6 system-ui, sans-serif; color: #fff; background: #1d4ed8; padding: 0 6px;
  border-radius: 3px; }
.box.below .label { bottom: auto; top: 100%; margin: 2px 0 0; }
`

/**
 * Outlines editable elements on hover, with a label naming the field and the document, and
 * reports a click on one to `onEdit` (the page's own click, e.g. following a link, does not
 * happen; hold Alt to use the page normally). Everything it draws lives in a
 * `<galley-overlay>` shadow root that ignores the pointer.
 */
export function createOverlay(options: OverlayOptions): Overlay {
  let targets = new Map<Element, EditTarget>()
  const host = document.createElement('galley-overlay')
  host.setAttribute('aria-hidden', 'true')
  const shadow = host.attachShadow({ mode: 'open' })
  shadow.innerHTML = `<style>${STYLE}</style><div class="box" part="outline"><span class="label" part="label"></span></div>`
  const box = shadow.querySelector('.box') as HTMLElement
  const label = shadow.querySelector('.label') as HTMLElement
  document.documentElement.append(host)
  let current: Element | null = null
  // Where the pointer rests: content that appears or is re-rendered under it (the first scan,
  // a live edit replacing the element) is outlined without waiting for the pointer to move.
  let pointer: { x: number; y: number } | null = null

  const targetOf = (node: EventTarget | null): Element | null => {
    let element = node instanceof Element ? node : node instanceof Node ? node.parentElement : null
    while (element) {
      if (targets.has(element)) return element
      element = element.parentElement
    }
    return null
  }
  const draw = () => {
    if (!current || !current.isConnected) {
      box.style.display = 'none'
      current = null
      return
    }
    const rect = current.getBoundingClientRect()
    const target = targets.get(current)!
    box.style.display = 'block'
    box.style.left = `${rect.left - 3}px`
    box.style.top = `${rect.top - 3}px`
    box.style.width = `${rect.width + 6}px`
    box.style.height = `${rect.height + 6}px`
    box.classList.toggle('below', rect.top < 24)
    label.textContent = `${fieldLabel(target.path)} — ${documentLabel(target.document)}`
  }
  const onOver = (event: MouseEvent) => {
    pointer = event.altKey ? null : { x: event.clientX, y: event.clientY }
    const next = event.altKey ? null : targetOf(event.target)
    if (next === current) return
    current = next
    draw()
  }
  const onClick = (event: MouseEvent) => {
    if (event.altKey || event.button !== 0) return
    const element = targetOf(event.target)
    if (!element) return
    event.preventDefault()
    event.stopPropagation()
    options.onEdit(targets.get(element)!, element)
  }
  const onMove = (event: MouseEvent) => {
    pointer = event.altKey ? null : { x: event.clientX, y: event.clientY }
  }
  const onLeave = () => {
    pointer = null
    current = null
    draw()
  }

  let pending = 0
  const scan = () => {
    pending = 0
    targets = findEditTargets(document.body ?? document.documentElement)
    options.onScan?.(targets.size)
    if (current && !targets.has(current)) current = null
    if (!current && pointer) current = targetOf(document.elementFromPoint(pointer.x, pointer.y))
    draw()
  }
  const schedule = () => {
    if (!pending) pending = requestAnimationFrame(scan)
  }
  const observer = new MutationObserver((records) => {
    if (records.every((r) => host.contains(r.target))) return
    schedule()
  })
  observer.observe(document.documentElement, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['alt', 'title', 'aria-label', 'data-galley-edit'],
  })
  document.addEventListener('mouseover', onOver, true)
  document.addEventListener('mousemove', onMove, { capture: true, passive: true })
  document.addEventListener('click', onClick, true)
  document.documentElement.addEventListener('mouseleave', onLeave)
  window.addEventListener('scroll', draw, true)
  window.addEventListener('resize', draw)
  scan()

  return {
    get targets() {
      return targets
    },
    scan,
    destroy() {
      observer.disconnect()
      cancelAnimationFrame(pending)
      document.removeEventListener('mouseover', onOver, true)
      document.removeEventListener('mousemove', onMove, true)
      document.removeEventListener('click', onClick, true)
      document.documentElement.removeEventListener('mouseleave', onLeave)
      window.removeEventListener('scroll', draw, true)
      window.removeEventListener('resize', draw)
      host.remove()
    },
  }
}
