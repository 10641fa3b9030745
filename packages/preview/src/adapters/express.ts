import {
  createDraftMode,
  type DraftMode,
  type DraftModeOptions,
  type DraftModeState,
} from '../create-draft-mode'

/** The members of an Express (or plain `node:http`) request this adapter reads. */
export interface NodeLikeRequest {
  method?: string
  /** Express's mount-independent URL; falls back to `url`. */
  originalUrl?: string
  url?: string
  /** Express's `req.protocol` (honours `trust proxy`); otherwise the socket decides. */
  protocol?: string
  /** A TLS socket has `encrypted: true`; typed loosely so a plain `net.Socket` fits too. */
  socket?: object
  headers: Record<string, string | string[] | undefined>
}

/** The members of an Express (or plain `node:http`) response this adapter writes. */
export interface NodeLikeResponse {
  statusCode: number
  setHeader(name: string, value: string | string[]): unknown
  end(body?: Uint8Array): unknown
}

/** An Express-style handler; errors go to `next` when there is one. */
export type NodeLikeHandler = (
  req: NodeLikeRequest,
  res: NodeLikeResponse,
  next?: (error?: unknown) => void,
) => Promise<void>

/** Express handlers for the enable and disable routes, and the per-request check. */
export interface ExpressDraftModeHandlers {
  enable: NodeLikeHandler
  disable: NodeLikeHandler
  getDraftMode(req: NodeLikeRequest): Promise<DraftModeState>
  /**
   * Clears the draft-mode cookie on `res` (replacing any `Set-Cookie` set so far): call it
   * when a preview read failed with `PREVIEW_ENDED` (`isPreviewEnded(error)`), then render
   * published content.
   */
  endDraftMode(res: NodeLikeResponse): void
  draftMode: DraftMode
}

/**
 * A Web `Request` for an Express/`node:http` request (headers and URL; draft mode reads no
 * body). Behind a TLS proxy set Express's `trust proxy` so the protocol is right.
 */
export function toWebRequest(req: NodeLikeRequest): Request {
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true
  const protocol = req.protocol ?? (encrypted ? 'https' : 'http')
  const host = String(req.headers.host ?? 'localhost')
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  return new Request(new URL(req.originalUrl ?? req.url ?? '/', `${protocol}://${host}`), {
    method: req.method ?? 'GET',
    headers,
  })
}

/** Writes a Web `Response` (status, every header including repeated `Set-Cookie`, body). */
export async function sendWebResponse(res: NodeLikeResponse, response: Response): Promise<void> {
  res.statusCode = response.status
  const cookies = response.headers.getSetCookie()
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value)
  })
  if (cookies.length > 0) res.setHeader('Set-Cookie', cookies)
  res.end(new Uint8Array(await response.arrayBuffer()))
}

/**
 * Draft mode for Express (or `node:http`). No dependency on express: it needs only the
 * request and response members described above.
 *
 * @example
 * const galleyDraftMode = createExpressDraftModeHandlers({ client, cookieSecret })
 * app.get('/api/draft-mode/enable', galleyDraftMode.enable)
 * app.all('/api/draft-mode/disable', galleyDraftMode.disable)
 */
export function createExpressDraftModeHandlers(
  options: DraftModeOptions,
): ExpressDraftModeHandlers {
  const draftMode = createDraftMode(options)
  const wrap =
    (handle: (request: Request) => Promise<Response>): NodeLikeHandler =>
    async (req, res, next) => {
      try {
        await sendWebResponse(res, await handle(toWebRequest(req)))
      } catch (error) {
        if (next) next(error)
        else throw error
      }
    }
  return {
    draftMode,
    enable: wrap((request) => draftMode.enable(request)),
    disable: wrap((request) => draftMode.disable(request)),
    getDraftMode: (req) => draftMode.get(toWebRequest(req)),
    endDraftMode: (res) => void res.setHeader('Set-Cookie', draftMode.clearingCookies()),
  }
}
