import type Database from 'better-sqlite3'

type Row = Record<string, unknown>
type Build = (values: unknown[]) => Row

/** A statement's column list, as of a schema generation (see forgetRowShapes). */
interface Shape {
  generation: number
  width: number
  build: Build
  /** Its one column is a packed row: read it with pluck (see pluckedRows). */
  plucked: boolean
}
const builders = new WeakMap<Database.Statement, Shape>()
let generation = 0

/**
 * The schema changed (here or in another process): SQLite re-prepares statements on its
 * own, and a `SELECT *` may then return other columns, so every column list is read again.
 */
export function forgetRowShapes(): void {
  generation++
}

/**
 * All rows of a reading statement, as plain objects made in JavaScript. better-sqlite3 makes
 * its row objects through V8's C++ API, one generic property store per column: about a tenth
 * of the instructions of a draft save went there (callgrind). Here the statement returns
 * arrays (`raw`) and one function per statement, an object literal of its columns, makes
 * the objects at the speed of any literal. Same keys, values and order as better-sqlite3's.
 */
export function allRows(stmt: Database.Statement, params: readonly unknown[]): Row[] {
  const known = builders.get(stmt)
  if (known?.plucked === true && known.generation === generation) return pluckedRows(stmt, params)
  stmt.raw(true)
  try {
    const values = stmt.all(params as unknown[]) as unknown[][]
    // Column lists are read after running: SQLite re-prepares a statement whose schema
    // changed when it next runs, not before. A width that does not match means a change
    // no one reported.
    let shape = builders.get(stmt)
    if (
      shape === undefined ||
      shape.generation !== generation ||
      (values.length > 0 && values[0]!.length !== shape.width)
    )
      shape = shapeOf(stmt)
    const rows: Row[] = new Array(values.length)
    for (let i = 0; i < values.length; i++) rows[i] = shape.build(values[i]!)
    return rows
  } finally {
    stmt.raw(false) // the statement is shared through the statement cache
  }
}

/**
 * The rows of a statement whose one column is a packed head and its content (`row`, see
 * packedRow in @galley/sql): read in pluck mode, better-sqlite3 hands over one string a row
 * and makes no array for it. Its column list cannot change with the schema (one expression,
 * no `*`: shapeOf checks), so no width needs checking.
 */
function pluckedRows(stmt: Database.Statement, params: readonly unknown[]): Row[] {
  stmt.pluck(true)
  try {
    const values = stmt.all(params as unknown[]) as unknown[]
    const rows: Row[] = new Array(values.length)
    for (let i = 0; i < values.length; i++) rows[i] = { row: values[i] }
    return rows
  } finally {
    stmt.pluck(false) // the statement is shared through the statement cache
  }
}

function shapeOf(stmt: Database.Statement): Shape {
  const columns = stmt.columns()
  const names = columns.map((c) => c.name)
  const shape = {
    generation,
    width: names.length,
    build: objectBuilder(names),
    // An expression (no table column behind it), so not a `*` that a schema change widens.
    plucked: names.length === 1 && names[0] === PACKED_ROW && columns[0]!.column === null,
  }
  builders.set(stmt, shape)
  return shape
}

/** The name packedRow (in @galley/sql) gives its one column. */
const PACKED_ROW = 'row'

function objectBuilder(names: string[]): Build {
  // A later column of the same name wins, as in better-sqlite3's objects. Keys are quoted;
  // only __proto__ is computed, so that such a column becomes a property, not the prototype
  // (computed keys leave V8's fast literal path, so not all of them).
  const last = new Map<string, number>()
  names.forEach((name, i) => last.set(name, i))
  const props = [...last].map(
    ([name, i]) => `${name === '__proto__' ? '["__proto__"]' : JSON.stringify(name)}: v[${i}]`,
  )
  return new Function('v', `return { ${props.join(', ')} }`) as Build
}
