import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useSyncExternalStore } from 'react'
import { api, ApiError, onUnauthorized, setCsrfToken } from '../api/api-client'
import type { StudioSchema } from '../../schema-types'

/** The signed-in user, as `/api/auth/me` answers. */
export interface Me {
  user: { id: string; email: string; name: string | null; role: string }
  csrfToken?: string
}

/** Who is signed in: `null` when nobody is (401), undefined while asking. */
export function useMe() {
  const client = useQueryClient()
  useEffect(
    () =>
      onUnauthorized(() => {
        // Only a call after sign-in answers 401 here: the session ended under the editor.
        if (client.getQueryData(['me'])) setExpired(true)
      }),
    [client],
  )
  return useQuery({
    queryKey: ['me'],
    queryFn: async (): Promise<Me | null> => {
      try {
        const me = await api<Me>('/auth/me')
        setCsrfToken(me.csrfToken ?? null)
        return me
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null
        throw err
      }
    },
    staleTime: Infinity,
  })
}

/** The schema for the signed-in user: collections, globals, fields and permissions. */
export function useSchema(enabled = true) {
  return useQuery({
    queryKey: ['schema'],
    queryFn: () => api<StudioSchema>('/schema'),
    staleTime: 60_000,
    enabled,
  })
}

let expired = false
const expiredListeners = new Set<() => void>()

/** Mark the session as ended (or renewed); the app then asks to sign in again over the open screen. */
export function setExpired(value: boolean): void {
  expired = value
  for (const fn of expiredListeners) fn()
}

/**
 * Whether the session ended while the app was open. The screen stays mounted under a
 * sign-in dialog, so a form with unsaved changes keeps them until the editor is back.
 */
export function useExpired(): boolean {
  return useSyncExternalStore(
    (fn) => {
      expiredListeners.add(fn)
      return () => expiredListeners.delete(fn)
    },
    () => expired,
  )
}
