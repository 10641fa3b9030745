import { useEffect, useRef, useState } from 'react'
import { api } from '../api/api-client'
import { diagnoseConfig, diagnoseTimeout, type ProbeResult } from './diagnose'
import { FrontendConnection, type FrontendEvent } from './frontend-connection'
import type { PresentationConfig } from './locations'

/** How long the frontend has to say hello before the Studio says why it did not. */
export const CONNECT_TIMEOUT_MS = 3000
const PROBE_AFTER_MS = 800

export type FrameStatus = 'loading' | 'connected' | 'lost' | 'failed'

type Perspective = string | string[]

/**
 * The frontend frame: mints a fresh preview secret each time it (re)opens a path or the
 * perspective changes, loads the frontend's enable route with it, and keeps the channel.
 * When the frontend has not connected after {@link CONNECT_TIMEOUT_MS}, `error` says why.
 */
export function useFrontendFrame(input: {
  config: PresentationConfig
  perspective: Perspective
  onEvent: (event: FrontendEvent) => void
}) {
  const { config, perspective } = input
  const frame = useRef<HTMLIFrameElement | null>(null)
  const connection = useRef<FrontendConnection | null>(null)
  const onEvent = useRef(input.onEvent)
  onEvent.current = input.onEvent
  const [src, setSrc] = useState<string | null>(null)
  const [status, setStatus] = useState<FrameStatus>('loading')
  const [error, setError] = useState<string | null>(null)
  const [path, setPath] = useState(config.initialPath)
  const [attempt, setAttempt] = useState(0)
  const currentPath = useRef(config.initialPath)
  const perspectiveKey = JSON.stringify(perspective)

  // One load of the frame: a fresh secret, the enable route, a clock for the diagnosis.
  useEffect(() => {
    let cancelled = false
    const configError = diagnoseConfig(config, window.location)
    if (configError) {
      setStatus('failed')
      setError(configError)
      return
    }
    setStatus('loading')
    setError(null)
    const rejected: string[] = []
    let mismatch: unknown = undefined
    let connected = false
    let probe: Promise<{ page: ProbeResult | null; enable: ProbeResult | null }> | null = null
    const pathname = currentPath.current
    const fail = (message: string) => {
      if (cancelled || connected) return
      setStatus('failed')
      setError(message)
    }
    const conn = new FrontendConnection(frame.current!, config.allowOrigins, {
      onEvent(event) {
        if (event.type === 'hello' || event.type === 'navigated') {
          const url = new URL(event.url)
          currentPath.current = url.pathname + url.search
          setPath(currentPath.current)
        }
        onEvent.current(event)
      },
      onStatus(next) {
        connected = next === 'connected'
        setStatus(next)
        if (connected) setError(null)
      },
      onRejectedOrigin(origin) {
        rejected.push(origin)
        fail(
          diagnoseTimeout({
            config,
            studioOrigin: location.origin,
            rejectedOrigins: rejected,
            versionMismatch: mismatch,
            page: null,
            enable: null,
          }),
        )
      },
      onVersionMismatch(version) {
        mismatch = version
      },
    })
    connection.current = conn
    const secret = () =>
      api<{ secret: string }>('/preview/secrets', {
        method: 'POST',
        body: { perspective, pathname, ttlSeconds: 3600 },
      })
    secret()
      .then(({ secret }) => {
        if (cancelled) return
        const url = new URL(config.enableUrl)
        url.searchParams.set('galley-preview-secret', secret)
        url.searchParams.set('galley-preview-pathname', pathname)
        setSrc(url.href)
      })
      .catch((err: Error) => fail(`Could not mint a preview secret: ${err.message}`))
    const startProbe = setTimeout(() => {
      if (connected) return
      probe = secret()
        .then(({ secret }) =>
          api<{ page: ProbeResult; enable: ProbeResult | null }>('/presentation/probe', {
            method: 'POST',
            body: { pathname, secret },
          }),
        )
        .catch(() => ({ page: null, enable: null }))
    }, PROBE_AFTER_MS)
    const timeout = setTimeout(async () => {
      if (connected) return
      const seen = (await probe) ?? { page: null, enable: null }
      fail(
        diagnoseTimeout({
          config,
          studioOrigin: location.origin,
          rejectedOrigins: rejected,
          versionMismatch: mismatch,
          ...seen,
        }),
      )
    }, CONNECT_TIMEOUT_MS)
    return () => {
      cancelled = true
      clearTimeout(startProbe)
      clearTimeout(timeout)
      conn.close()
      connection.current = null
    }
    // A new secret per perspective and per explicit reload, not per render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [config, perspectiveKey, attempt])

  return {
    frame,
    src,
    status,
    error,
    path,
    send: (message: { type: string } & Record<string, unknown>) =>
      connection.current?.send(message),
    connected: () => connection.current?.connected ?? false,
    /** Opens `pathname` through the enable route again (a fresh secret). */
    reload(pathname?: string) {
      if (pathname) currentPath.current = pathname
      setAttempt((n) => n + 1)
    },
  }
}
