import { useCallback, useSyncExternalStore } from 'react'

/** Form values by dotted path (`seo.title`, `nav.0.label`). */
export type Values = Record<string, unknown>

/**
 * The editor's form values, outside React state so that a keystroke re-renders only the
 * field it changed: every update builds a new root by copying the objects along its path
 * (the rest is shared), and each field reads its own value through `useFieldValue`, which
 * re-renders only when that value's identity changes.
 */
export class FormStore {
  #values: Values
  #listeners = new Set<() => void>()

  constructor(values: Values) {
    this.#values = values
  }

  /** The current values; a new object after every change, the same one until then. */
  get values(): Values {
    return this.#values
  }

  get(path: string): unknown {
    return getIn(this.#values, path)
  }

  set(path: string, value: unknown): void {
    this.#values = setIn(this.#values, path.split('.'), value) as Values
    this.#emit()
  }

  /** Replace every value (loading a document, taking someone else's version, a revert). */
  replace(values: Values): void {
    this.#values = values
    this.#emit()
  }

  subscribe = (fn: () => void): (() => void) => {
    this.#listeners.add(fn)
    return () => this.#listeners.delete(fn)
  }

  #emit() {
    for (const fn of this.#listeners) fn()
  }
}

export function getIn(root: unknown, path: string): unknown {
  let cur = root
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[key]
  }
  return cur
}

function setIn(node: unknown, keys: string[], value: unknown): unknown {
  if (keys.length === 0) return value
  const [key, ...rest] = keys as [string, ...string[]]
  if (Array.isArray(node)) {
    const copy = node.slice()
    copy[Number(key)] = setIn(node[Number(key)], rest, value)
    return copy
  }
  const obj = node !== null && typeof node === 'object' ? (node as Record<string, unknown>) : {}
  return { ...obj, [key]: setIn(obj[key], rest, value) }
}

/** One field's value; the component re-renders only when it changes. */
export function useFieldValue(store: FormStore, path: string): unknown {
  const read = useCallback(() => store.get(path), [store, path])
  return useSyncExternalStore(store.subscribe, read)
}
