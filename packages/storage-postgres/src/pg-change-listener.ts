import pg from 'pg'

/** The channel `appendChanges` notifies on (`@galley/sql`'s CHANGE_CHANNEL). */
const CHANNEL = 'galley_changes'

/**
 * `LISTEN` for appended changes on one dedicated connection, shared by every watcher of a
 * store, opened with the first and closed with the last. Notifications carry `<schema>
 * <seq>`; only this store's schema wakes its watchers. A dropped connection is opened again
 * after a second, and watchers are woken then (they read whatever they missed from the
 * feed itself, which the notification only points to).
 */
export function pgChangeListener(connectionString: string, schema: string) {
  const watchers = new Set<() => void>()
  let client: pg.Client | null = null
  let retry: NodeJS.Timeout | null = null
  const wake = () => {
    for (const w of watchers) w()
  }
  const open = () => {
    const c = new pg.Client({ connectionString })
    client = c
    c.on('notification', (n) => {
      if (n.channel === CHANNEL && n.payload?.split(' ')[0] === schema) wake()
    })
    const reopen = () => {
      if (client !== c) return
      client = null
      c.end().catch(() => {})
      if (watchers.size && !retry)
        retry = setTimeout(() => {
          retry = null
          if (watchers.size && !client) open()
        }, 1000).unref()
    }
    c.on('error', reopen)
    c.on('end', reopen)
    c.connect()
      .then(() => c.query(`LISTEN ${CHANNEL}`))
      .then(wake, reopen)
  }
  const close = () => {
    const c = client
    client = null
    if (retry) clearTimeout(retry)
    retry = null
    c?.end().catch(() => {})
  }
  return {
    watch(onAppend: () => void): () => void {
      watchers.add(onAppend)
      if (!client && !retry) open()
      return () => {
        watchers.delete(onAppend)
        if (watchers.size === 0) close()
      }
    },
    close,
  }
}
