import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

/** Start `n` API processes on one database (see api-process.ts); resolves with their URLs. */
export async function startApiProcesses(
  n: number,
  target: string,
  schema?: string,
): Promise<{ urls: string[]; stop(): Promise<void> }> {
  const script = join(import.meta.dirname, 'api-process.ts')
  const children: ChildProcess[] = []
  const start = () =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', script, target, ...(schema ? [schema] : [])],
        { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] },
      )
      children.push(child)
      let out = ''
      const timer = setTimeout(() => reject(new Error(`API process gave no port: ${out}`)), 60_000)
      child.stdout!.on('data', (d: Buffer) => {
        out += String(d)
        const m = /port (\d+)/.exec(out)
        if (m) {
          clearTimeout(timer)
          resolve(`http://127.0.0.1:${m[1]}`)
        }
      })
      child.once('exit', (code) => reject(new Error(`API process exited (${code}): ${out}`)))
    })
  // One after the other: the first runs the migrations, the others find them done.
  const urls: string[] = []
  for (let i = 0; i < n; i++) urls.push(await start())
  return {
    urls,
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((done) => {
              if (c.exitCode !== null) return done()
              c.once('exit', () => done())
              c.stdin!.end()
              setTimeout(() => c.kill('SIGKILL'), 5000).unref()
            }),
        ),
      )
    },
  }
}
