import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

/**
 * Start the worker thread whose module is `<name>` beside this file. From TypeScript sources
 * (tsx, vitest) the module is TypeScript, and a worker thread under vitest gets no loader:
 * ts-worker-entry.mjs loads it with tsx's tsImport. Compiled to JavaScript, the thread's
 * file is started directly (scripts/build-packages.ts keeps it a file of its own).
 */
export function startThread(name: string, workerData: object): Worker {
  const ext = extname(fileURLToPath(import.meta.url))
  const entry = new URL(`./${name}${ext}`, import.meta.url)
  return ext === '.ts'
    ? new Worker(new URL('./ts-worker-entry.mjs', import.meta.url), {
        workerData: { ...workerData, entry: entry.href },
      })
    : new Worker(entry, { workerData })
}
