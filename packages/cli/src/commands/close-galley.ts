import type { Galley } from '@galley/core'

/**
 * Close the engine, keeping the event loop alive meanwhile: the SQLite store waits for its
 * (unref'd) checkpoint worker to exit, and a CLI whose loop is otherwise empty would end
 * before that wait does. Gives up after `timeoutMs`.
 */
export async function closeGalley(galley: Galley, timeoutMs = 5000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))
  try {
    await Promise.race([galley.close(), timeout])
  } finally {
    clearTimeout(timer)
  }
}
