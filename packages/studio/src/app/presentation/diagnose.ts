import type { PresentationConfig } from './locations'

/** What `POST /api/presentation/probe` saw of one URL. */
export interface ProbeResult {
  status: number
  error?: string
  xFrameOptions?: string | null
  frameAncestors?: string | null
  previewError?: string | null
  message?: string
}

/** Reasons the Studio can name before loading the frame at all. */
export function diagnoseConfig(config: PresentationConfig, studio: Location): string | null {
  const frontend = new URL(config.url)
  if (!config.allowOrigins.includes(frontend.origin))
    return `The frontend's origin ${frontend.origin} is not in allowOrigins (${config.allowOrigins.join(', ') || 'empty'}). Add it to createServer({ presentation: { allowOrigins } }).`
  if (studio.protocol === 'https:' && frontend.protocol === 'http:')
    return `The Studio is served over https but the frontend over http (${frontend.origin}): the browser blocks an http page inside an https one. Serve the frontend over https, or open the Studio over http in development.`
  return null
}

/**
 * Why the frontend did not connect, from what the Studio saw (messages from other origins)
 * and what the server's probe of the frontend answered. Checked in the order a person would
 * fix them.
 */
export function diagnoseTimeout(input: {
  config: PresentationConfig
  studioOrigin: string
  rejectedOrigins: readonly string[]
  versionMismatch: unknown
  page: ProbeResult | null
  enable: ProbeResult | null
}): string {
  const { config, studioOrigin, page, enable } = input
  if (input.rejectedOrigins.length > 0)
    return `The frontend answered from ${input.rejectedOrigins.join(', ')}, which is not in allowOrigins (${config.allowOrigins.join(', ')}): the Studio ignores its messages. Add that origin to allowOrigins, or keep the frontend on ${config.origin}.`
  if (input.versionMismatch !== undefined)
    return `The frontend's overlay speaks visual-editing protocol version ${String(input.versionMismatch)}; this Studio speaks version 1. Update @galley/visual-editing on the frontend.`
  if (enable && enable.status === 0)
    return `The Studio's server could not reach the frontend's enable route ${config.enableUrl} (${enable.error ?? 'no answer'}). Is the frontend running at ${config.url}?`
  if (enable && (enable.status === 401 || enable.status === 404 || enable.status >= 400)) {
    const why = enable.previewError ? ` (${enable.previewError})` : ''
    const hint =
      enable.status === 404
        ? enable.previewError
          ? 'nothing to preview at this path.'
          : `is there an enable route at ${new URL(config.enableUrl).pathname}? Set presentation.enableUrl to the frontend's draft-mode route.`
        : enable.status === 401
          ? 'the frontend refused the preview secret: does its GALLEY_URL point at this Galley server, with a read:drafts token?'
          : (enable.message ?? 'see the frontend log.')
    return `The frontend's enable route answered ${enable.status}${why}: ${hint}`
  }
  const framing = page && framingRefusal(page, studioOrigin)
  if (framing) return framing
  if (page && page.status === 0)
    return `The Studio's server could not reach the frontend at ${config.url} (${page.error ?? 'no answer'}).`
  return `The frontend page loaded, but its visual-editing overlay did not say hello within 3 seconds: the overlay script is not loaded. Render <VisualEditing studioOrigins={["${studioOrigin}"]} /> (or call enableVisualEditing) in draft mode, with this Studio's origin in studioOrigins.`
}

function framingRefusal(page: ProbeResult, studioOrigin: string): string | null {
  const xfo = page.xFrameOptions?.trim().toUpperCase()
  if (xfo === 'DENY' || xfo === 'SAMEORIGIN')
    return `The frontend refuses to be framed: it sends X-Frame-Options: ${xfo}. Drop that header in draft mode, or replace it with Content-Security-Policy: frame-ancestors ${studioOrigin}.`
  if (page.frameAncestors) {
    const sources = page.frameAncestors.split(/\s+/).slice(1)
    const allows = sources.some(
      (s) =>
        s === '*' ||
        s.replace(/\/$/, '') === studioOrigin ||
        (s.startsWith('*.') && studioOrigin.endsWith(s.slice(1))),
    )
    if (!allows)
      return `The frontend refuses to be framed by the Studio: its Content-Security-Policy says "${page.frameAncestors}". Add ${studioOrigin} to frame-ancestors.`
  }
  return null
}
