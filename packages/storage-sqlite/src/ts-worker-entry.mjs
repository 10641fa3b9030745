// Entry of a worker thread whose module is TypeScript (run from sources: tsx, vitest). It is
// JavaScript because a worker thread started under vitest has no TypeScript loader; tsx's
// documented tsImport loads the module with one. workerData.entry: the module's URL.
import { workerData } from 'node:worker_threads'

let tsx
try {
  tsx = await import('tsx/esm/api')
} catch (err) {
  throw new Error(
    'Running @galley/storage-sqlite from its TypeScript sources needs tsx for its worker threads: npm install --save-dev tsx (or pass checkpointWorker: false and slowReadWorker: false).',
    { cause: err },
  )
}
await tsx.tsImport(workerData.entry, workerData.entry)
