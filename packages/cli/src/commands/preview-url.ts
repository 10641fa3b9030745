import { parseArgs } from 'node:util'
import { ConfigError } from '@galley/core'
import { buildPreviewUrl } from '@galley/preview'
import { PreviewStore } from '@galley/server'
import { UsageError, type CliIo } from '../cli-io'
import { closeGalley } from './close-galley'
import { openProject } from './open-project'

export const PREVIEW_USAGE = `galley preview url --path /blog/x [--perspective drafts] [--ttl 3600] [--single-use] [--frontend <enable-url>]
  Print a preview URL for the frontend's draft-mode route (server.preview.url in the config,
  or --frontend). The secret in it lives --ttl seconds (default 3600) and only its SHA-256
  is stored. --perspective takes a name or a comma-separated release stack.`

/**
 * `galley preview url`: a new preview secret, printed as the frontend's enable URL (stdout
 * gets the URL alone, so it can be piped; the expiry goes to stderr).
 */
export async function previewUrl(io: CliIo, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  if (sub !== 'url')
    throw new UsageError(`Unknown preview command ${JSON.stringify(sub ?? '')}; use: preview url.`)
  const { values } = parseArgs({
    args: rest,
    options: {
      path: { type: 'string' },
      perspective: { type: 'string' },
      ttl: { type: 'string' },
      'single-use': { type: 'boolean' },
      frontend: { type: 'string' },
      config: { type: 'string', short: 'c' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  })
  if (!values.path)
    throw new UsageError('preview url needs --path, the page to open (e.g. /blog/hello).')
  if (!values.path.startsWith('/') || values.path.startsWith('//'))
    throw new UsageError(
      `--path must be a path on the frontend such as /blog/hello; got ${JSON.stringify(values.path)}.`,
    )
  if (values.ttl !== undefined && !/^\d{1,9}$/.test(values.ttl))
    throw new UsageError(
      `--ttl must be a number of seconds, e.g. 3600; got ${JSON.stringify(values.ttl)}.`,
    )

  const { project, galley } = await openProject(io, values)
  try {
    const enableUrl = values.frontend ?? project.server.preview?.url
    if (!enableUrl)
      throw new ConfigError(
        "No frontend to preview on: set server.preview.url in galley.config.ts (the frontend's draft-mode enable route, e.g. http://localhost:3000/api/draft) or pass --frontend <url>.",
      )
    try {
      new URL(enableUrl)
    } catch {
      throw new UsageError(`--frontend must be an absolute URL; got ${JSON.stringify(enableUrl)}.`)
    }
    const previews = new PreviewStore(galley, project.server.preview ?? {})
    const created = await previews.createSecret({
      perspective: values.perspective,
      ttlSeconds: values.ttl === undefined ? undefined : Number(values.ttl),
      singleUse: values['single-use'] === true,
      createdBy: { id: null, label: 'cli' },
    })
    io.out(buildPreviewUrl({ enableUrl, secret: created.secret, pathname: values.path }))
    io.err(
      `Preview of ${values.path} (${[created.perspective].flat().join(',')}) until ${created.expiresAt}${created.singleUse ? ', single use' : ''}.`,
    )
    return 0
  } finally {
    await closeGalley(galley)
  }
}
