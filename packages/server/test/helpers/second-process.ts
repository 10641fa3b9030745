/**
 * Another process writing to a test's SQLite file, as `galley token revoke` or a second
 * server would: `node --import tsx second-process.ts <file> <revoke|publish|unpublish> <arg>`.
 * Prints `done` once its write is committed and the engine closed.
 */
import { createGalley } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { AuthStore, withAuth } from '../../src/index'
import { blogConfig } from './blog'

const [file, action, arg] = process.argv.slice(2) as [string, string, string]
const galley = await createGalley(withAuth(blogConfig(sqlite({ file }))))
try {
  if (action === 'revoke') {
    if (!(await new AuthStore(galley).revokeToken(arg))) throw new Error(`no token ${arg}`)
  } else if (action === 'publish') await galley.publish({ collection: 'posts', id: arg })
  else if (action === 'unpublish') await galley.unpublish({ collection: 'posts', id: arg })
  else throw new Error(`unknown action ${action}`)
} finally {
  await galley.close()
}
console.log('done')
