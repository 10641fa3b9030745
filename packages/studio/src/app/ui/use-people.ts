import { useQuery } from '@tanstack/react-query'
import { api, qs } from '../api/api-client'

/**
 * Readable names for user ids (who updated a document, who wrote a revision), from
 * `GET /api/schema/people`: one request per set of ids on screen, cached for a minute.
 * Returns a function giving the name, or null while unknown.
 */
export function usePeople(ids: Array<string | null | undefined>): (id: string) => string | null {
  const wanted = [
    ...new Set(ids.filter((x): x is string => typeof x === 'string' && x !== '')),
  ].sort()
  const people = useQuery({
    queryKey: ['people', wanted],
    enabled: wanted.length > 0,
    staleTime: 60_000,
    queryFn: () =>
      api<{ people: Array<{ id: string; label: string }> }>(
        `/schema/people${qs({ ids: wanted.join(',') })}`,
      ),
  })
  const names = new Map(people.data?.people.map((p) => [p.id, p.label]))
  return (id) => names.get(id) ?? null
}
