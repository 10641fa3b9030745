/**
 * Statement texts made once per shape. Stores look statements up by their text (the
 * statement cache, SQLite's read cache, the drivers), and a text built afresh for every call
 * is a new string whose hash V8 computes over its whole length at each lookup (~2 µs for the
 * ~1,000 characters of a page read, as much as SQLite takes to answer a lookup by id). The
 * same string instance, made once, carries its hash. `key` names the shape by the small
 * parts built per call (a kind, the collection, the filter's text, …) and must say
 * everything the text depends on; the bound only matters for shapes without end (release
 * variants, filters with ever new `in` lists).
 */
export function statementText(key: string, make: () => string): string {
  let text = texts.get(key)
  if (text === undefined) {
    if (texts.size >= 5000) texts.clear()
    text = make()
    texts.set(key, text)
  }
  return text
}
const texts = new Map<string, string>()
