import Database from 'better-sqlite3'
const orig = Database.prototype.prepare
const stats = new Map<string, { n: number; t: number }>()
Database.prototype.prepare = function (this: any, s: string) {
  const st = orig.call(this, s)
  for (const m of ['all', 'run', 'get']) {
    const f = (st as any)[m].bind(st)
    ;(st as any)[m] = (...a: any[]) => { const t = performance.now(); try { return f(...a) } finally { const e = stats.get(s) ?? { n: 0, t: 0 }; e.n++; e.t += performance.now() - t; stats.set(s, e) } }
  }
  return st
} as any
await import('./q.tmp')
console.log([...stats].sort((a, b) => b[1].t - a[1].t).slice(0, 12).map(([s, e]) => `${e.t.toFixed(0)}ms n=${e.n} ${(e.t * 1000 / e.n).toFixed(0)}us ${s.replace(/\s+/g, ' ').slice(0, 130)}`).join('\n'))
