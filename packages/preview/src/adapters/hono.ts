import type { Context, MiddlewareHandler } from 'hono'
import {
  createDraftMode,
  type DraftMode,
  type DraftModeOptions,
  type DraftModeState,
} from '../create-draft-mode'

/** Context variables set by the Hono middleware: `c.get('draftMode')`. */
export type DraftModeVariables = { draftMode: DraftModeState }

/** Hono handlers for the enable and disable routes, plus a middleware and a helper. */
export interface HonoDraftModeHandlers {
  enable(c: Context): Promise<Response>
  disable(c: Context): Promise<Response>
  /** Sets `c.var.draftMode` for the routes after it. */
  middleware: MiddlewareHandler<{ Variables: DraftModeVariables }>
  getDraftMode(c: Context): Promise<DraftModeState>
  /**
   * Clears the draft-mode cookie in the response `c` sends: call it when a preview read failed
   * with `PREVIEW_ENDED` (`isPreviewEnded(error)`), then render published content.
   */
  endDraftMode(c: Context): void
  draftMode: DraftMode
}

/**
 * Draft mode for Hono, on the raw Web request (`c.req.raw`), so it runs on every Hono runtime.
 *
 * @example
 * const galleyDraftMode = createHonoDraftModeHandlers({ client, cookieSecret })
 * app.get('/api/draft-mode/enable', galleyDraftMode.enable)
 * app.all('/api/draft-mode/disable', galleyDraftMode.disable)
 * app.use('*', galleyDraftMode.middleware)
 */
export function createHonoDraftModeHandlers(options: DraftModeOptions): HonoDraftModeHandlers {
  const draftMode = createDraftMode(options)
  return {
    draftMode,
    enable: (c) => draftMode.enable(c.req.raw),
    disable: (c) => draftMode.disable(c.req.raw),
    middleware: async (c, next) => {
      c.set('draftMode', await draftMode.get(c.req.raw))
      await next()
    },
    getDraftMode: (c) => draftMode.get(c.req.raw),
    endDraftMode: (c) => {
      for (const cookie of draftMode.clearingCookies())
        c.header('Set-Cookie', cookie, { append: true })
    },
  }
}
