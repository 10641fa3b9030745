import { useQuery } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { api } from '../api/api-client'
import { listOpenReleases } from './release-api'

/**
 * "Add to release" for the document editor: saves the editor's current values as the
 * document's content in an open release (`PATCH /api/:collection/:id?release=<id>`).
 * @example <AddToRelease collection="posts" id={doc.id} values={() => store.values()} />
 */
export function AddToRelease(props: {
  collection: string
  id: string
  values: () => Record<string, unknown>
}) {
  const hid = useId()
  const [release, setRelease] = useState('')
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null)
  const releases = useQuery({ queryKey: ['releases', 'open'], queryFn: listOpenReleases })
  const open = (releases.data?.docs ?? []).filter(
    (r) => r.state === 'active' || r.state === 'scheduled',
  )
  if (open.length === 0) return null
  async function add() {
    const target = release || open[0]!.id
    setStatus(null)
    try {
      const { id: _id, _status, _variant, _rev, createdAt, updatedAt, ...data } = props.values()
      await api(
        `/${props.collection}/${encodeURIComponent(props.id)}?release=${encodeURIComponent(target)}`,
        { method: 'PATCH', body: data },
      )
      const title = open.find((r) => r.id === target)?.title ?? target
      setStatus({ ok: true, text: `Added to “${title}”.` })
    } catch (err) {
      setStatus({ ok: false, text: `Not added: ${(err as Error).message}` })
    }
  }
  return (
    <div className="add-to-release" role="group" aria-label="Add to release">
      <label htmlFor={`${hid}-r`}>Release</label>
      <select id={`${hid}-r`} value={release} onChange={(e) => setRelease(e.target.value)}>
        {open.map((r) => (
          <option key={r.id} value={r.id}>
            {r.title}
          </option>
        ))}
      </select>
      <button type="button" onClick={() => void add()}>
        Add to release
      </button>
      {status && (
        <p role={status.ok ? 'status' : 'alert'} className={status.ok ? undefined : 'error'}>
          {status.text}
        </p>
      )}
    </div>
  )
}
