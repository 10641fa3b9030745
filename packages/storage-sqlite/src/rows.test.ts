import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { allRows, forgetRowShapes } from './rows'

describe('allRows', () => {
  const db = new Database(':memory:')
  db.exec(
    "CREATE TABLE t (a INTEGER, b TEXT, c BLOB, d REAL); INSERT INTO t VALUES (1, 'x', x'0102', 1.5), (NULL, '', NULL, -0.25)",
  )

  it('gives the same objects as better-sqlite3: keys, order, values, types', () => {
    for (const sql of [
      'SELECT * FROM t',
      'SELECT b, a, a AS a2 FROM t ORDER BY a',
      'SELECT 1 AS x, 2 AS x, 3 AS y',
      'SELECT * FROM t WHERE a = 99',
    ]) {
      const stmt = db.prepare(sql)
      const expected = stmt.all()
      const got = allRows(stmt, [])
      expect(got).toEqual(expected)
      expect(got.map((r) => Object.keys(r))).toEqual(expected.map((r) => Object.keys(r as object)))
      // The statement is left as it was found (it is shared through the statement cache).
      expect(stmt.all()).toEqual(expected)
    }
  })

  it('binds parameters, and makes a column named __proto__ a property, not the prototype', () => {
    expect(allRows(db.prepare('SELECT b FROM t WHERE a = ?'), [1])).toEqual([{ b: 'x' }])
    const [row] = allRows(db.prepare(`SELECT '{"polluted":1}' AS "__proto__", 2 AS "it's"`), [])
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype)
    expect(Object.getOwnPropertyNames(row)).toEqual(['__proto__', "it's"])
    expect((row as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('gives new objects on every call', () => {
    const stmt = db.prepare('SELECT a FROM t WHERE a = 1')
    const first = allRows(stmt, [])[0]!
    first.a = 5
    expect(allRows(stmt, [])[0]).toEqual({ a: 1 })
  })

  it('follows schema changes: other columns at once, renamed ones once told (forgetRowShapes)', () => {
    const own = new Database(':memory:')
    own.exec("CREATE TABLE s (a, b, c); INSERT INTO s VALUES (1, 'bee', 'see')")
    const stmt = own.prepare('SELECT * FROM s')
    expect(allRows(stmt, [])).toEqual([{ a: 1, b: 'bee', c: 'see' }])
    own.exec('ALTER TABLE s DROP COLUMN b') // SQLite re-prepares the statement on its own
    expect(allRows(stmt, [])).toEqual([{ a: 1, c: 'see' }])
    // Same width, another name: the store's schema watch tells (forgetRowShapes).
    own.exec('ALTER TABLE s DROP COLUMN c; ALTER TABLE s ADD COLUMN e')
    forgetRowShapes()
    expect(allRows(stmt, [])).toEqual([{ a: 1, e: null }])
    expect(allRows(stmt, [])).toEqual(stmt.all())
    own.close()
  })
})

describe('allRows of a packed row (one column named row)', () => {
  it('reads it in pluck mode from the second run on, and leaves the statement as found', () => {
    const db = new Database(':memory:')
    db.exec("CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('x'), ('y'), (NULL)")
    const stmt = db.prepare('SELECT a AS row FROM t WHERE a IS NOT NULL OR ? ORDER BY a')
    for (let run = 0; run < 3; run++) {
      expect(allRows(stmt, [1])).toEqual([{ row: null }, { row: 'x' }, { row: 'y' }])
      expect(allRows(stmt, [0])).toEqual([{ row: 'x' }, { row: 'y' }])
      expect(stmt.get(0)).toEqual({ row: 'x' })
    }
    // A table's column named row is not plucked: a `*` over it widens with the schema.
    db.exec('CREATE TABLE u (row TEXT); INSERT INTO u VALUES (1)')
    const star = db.prepare('SELECT * FROM u')
    expect(allRows(star, [])).toEqual([{ row: '1' }])
    db.exec('ALTER TABLE u ADD COLUMN more')
    expect(allRows(star, [])).toEqual([{ row: '1', more: null }])
    // Another single column is not plucked: its name is kept.
    expect(allRows(db.prepare('SELECT a FROM t WHERE a = ?'), ['y'])).toEqual([{ a: 'y' }])
    expect(allRows(db.prepare('SELECT a FROM t WHERE a = ?'), ['y'])).toEqual([{ a: 'y' }])
    db.close()
  })
})
