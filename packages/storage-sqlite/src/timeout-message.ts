/**
 * What a read stopped at the time limit says, on the connection's thread or the slow-read
 * thread's (a module of its own, so that thread loads no more than it).
 */
export function timeoutMessage(limitMs: number): string {
  return `This read was stopped at the ${limitMs} ms limit for one statement: its filter or sort tests every document it considers (a field that is not indexed, text patterns, or many conditions). Give the field an index (index: true), narrow the filter with an indexed field, or raise sqlite({ queryTimeoutMs }).`
}
