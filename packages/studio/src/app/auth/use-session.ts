import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
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
        client.setQueryData(['me'], null)
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
