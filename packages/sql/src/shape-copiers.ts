import { copyJson } from './json-copy'

export type Copier = (v: unknown) => unknown

/** Shapes a memo compiles copiers for, at most; and the key characters of one shape. */
const MAX_COPIERS = 256
const MAX_SHAPE_KEY_CHARS = 512
/** False once the runtime refused to compile one (`--disallow-code-generation-from-strings`). */
let compiles = true

/** A node of the shapes' trie: the next key, whose value holds an object or not. */
interface ShapeNode {
  objects: Map<string, ShapeNode> | undefined
  values: Map<string, ShapeNode> | undefined
  copier: Copier | undefined
}

const shapeNode = (): ShapeNode => ({ objects: undefined, values: undefined, copier: undefined })

/**
 * Copiers of a memo's document shapes: for each shape (its keys in order, and which hold
 * objects or arrays), one object literal (`{"title": v["title"], "blocks": c(v["blocks"])}`),
 * which V8 builds from a ready hidden class: a fifth of the time of adding the keys one by
 * one, the most a kept post costs. Keys are written as JSON strings, which are JavaScript
 * strings; admitCopy let through no `__proto__` (a literal would set the prototype) and no
 * index-like key (a literal would reorder it). Shapes are found through a trie of their keys
 * (keys parsed from JSON are interned strings whose hashes V8 keeps: a step costs a
 * lookup), at most MAX_COPIERS of them, each of at most MAX_SHAPE_KEY_CHARS characters of
 * keys, so that they take at most about a megabyte; past that, or where code cannot be
 * compiled, copies are made key by key (copyJson).
 */
export class Copiers {
  #root = shapeNode()
  #count = 0

  of(value: unknown): Copier | undefined {
    if (!compiles || typeof value !== 'object' || value === null || Array.isArray(value))
      return undefined
    const v = value as Record<string, unknown>
    const keys = Object.keys(v)
    let node = this.#root
    let chars = 0
    for (const k of keys) {
      const x = v[k]
      const object = typeof x === 'object' && x !== null
      chars += k.length
      if (chars > MAX_SHAPE_KEY_CHARS) return undefined
      let next = (object ? node.objects : node.values)?.get(k)
      if (next === undefined) {
        if (this.#count >= MAX_COPIERS) return undefined
        next = shapeNode()
        if (object) (node.objects ??= new Map()).set(k, next)
        else (node.values ??= new Map()).set(k, next)
      }
      node = next
    }
    if (node.copier !== undefined) return node.copier
    if (this.#count >= MAX_COPIERS) return undefined
    const fields = keys.map((k) => {
      const key = JSON.stringify(k)
      const x = v[k]
      return `${key}: ${typeof x === 'object' && x !== null ? `c(v[${key}])` : `v[${key}]`}`
    })
    try {
      const make = new Function('c', `return function copy(v) { return { ${fields.join(', ')} } }`)
      node.copier = make(copyJson) as Copier
    } catch {
      compiles = false
      return undefined
    }
    this.#count++
    return node.copier
  }

  clear(): void {
    this.#root = shapeNode()
    this.#count = 0
  }
}
