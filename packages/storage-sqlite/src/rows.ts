import type Database from 'better-sqlite3'

type Row = Record<string, unknown>
type Build = (values: unknown[]) => Row

const builders = new WeakMap<Database.Statement, Build>()

/**
 * All rows of a reading statement, as plain objects made in JavaScript. better-sqlite3 makes
 * its row objects through V8's C++ API, one generic property store per column: about a tenth
 * of the instructions of a draft save went there (callgrind). Here the statement returns
 * arrays (`raw`) and one function per statement, an object literal of its columns, makes
 * the objects at the speed of any literal. Same keys, values and order as better-sqlite3's.
 */
export function allRows(stmt: Database.Statement, params: readonly unknown[]): Row[] {
  let build = builders.get(stmt)
  if (build === undefined) {
    build = objectBuilder(stmt.columns().map((c) => c.name))
    builders.set(stmt, build)
  }
  stmt.raw(true)
  try {
    const values = stmt.all(params as unknown[]) as unknown[][]
    const rows: Row[] = new Array(values.length)
    for (let i = 0; i < values.length; i++) rows[i] = build(values[i]!)
    return rows
  } finally {
    stmt.raw(false) // the statement is shared through the statement cache
  }
}

function objectBuilder(names: string[]): Build {
  // A later column of the same name wins, as in better-sqlite3's objects. Keys are quoted;
  // only __proto__ is computed, so that such a column becomes a property, not the prototype
  // (computed keys leave V8's fast literal path, so not all of them).
  const last = new Map<string, number>()
  names.forEach((name, i) => last.set(name, i))
  const props = [...last].map(([name, i]) => `${name === '__proto__' ? '["__proto__"]' : JSON.stringify(name)}: v[${i}]`)
  return new Function('v', `return { ${props.join(', ')} }`) as Build
}
