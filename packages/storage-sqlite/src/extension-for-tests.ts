import { useWalBatching } from './wal-batch'

/**
 * For the native extension's tests: whether it is loaded. Without it they skip with a
 * printed reason, except with CI set, where npm install must have built it.
 */
export function extensionForTests(what: string): boolean {
  if (useWalBatching()) return true
  if (process.env.CI)
    throw new Error(
      'The native extension is not built, but CI is set: npm install builds it (packages/storage-sqlite/scripts/build-wal-batch.mjs).',
    )
  console.log(
    `[galley] ${what} tests skipped: the extension is not built (run node packages/storage-sqlite/scripts/build-wal-batch.mjs).`,
  )
  return false
}
