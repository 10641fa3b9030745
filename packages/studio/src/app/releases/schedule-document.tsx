import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { api } from '../api/api-client'
import { inTimeZone, localToIso, timeZone } from './release-api'

interface Job {
  id: string
  kind: 'publish' | 'unpublish' | 'release'
  runAt: string
  state: string
  error: string | null
}

/**
 * The editor's "Schedule" control: publish or unpublish this document at a time entered in
 * the editor's time zone, and the pending schedules with Cancel.
 * @example <ScheduleDocument collection="posts" id={doc.id} />
 */
export function ScheduleDocument(props: { collection: string; id: string }) {
  const hid = useId()
  const client = useQueryClient()
  const base = `/${props.collection}/${encodeURIComponent(props.id)}/schedule`
  const key = ['schedules', props.collection, props.id]
  const jobs = useQuery({ queryKey: key, queryFn: () => api<{ docs: Job[] }>(base) })
  const [action, setAction] = useState<'publish' | 'unpublish'>('publish')
  const [at, setAt] = useState('')
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null)
  async function call(fn: () => Promise<unknown>, done: string) {
    setStatus(null)
    try {
      await fn()
      setStatus({ ok: true, text: done })
    } catch (err) {
      setStatus({ ok: false, text: (err as Error).message })
    }
    await client.invalidateQueries({ queryKey: key })
  }
  const schedule = () => {
    const iso = localToIso(at)
    if (!iso) return setStatus({ ok: false, text: 'Choose a date and time first.' })
    return call(
      () => api(base, { method: 'POST', body: { action, at: iso } }),
      `Scheduled to ${action} at ${inTimeZone(iso)}.`,
    )
  }
  const pending = (jobs.data?.docs ?? []).filter((j) => j.state === 'pending')
  const failed = (jobs.data?.docs ?? []).filter((j) => j.state === 'failed')
  return (
    <section className="schedule-document" aria-labelledby={`${hid}-h`}>
      <h3 id={`${hid}-h`}>Schedule</h3>
      <label htmlFor={`${hid}-a`}>Action</label>
      <select
        id={`${hid}-a`}
        value={action}
        onChange={(e) => setAction(e.target.value as 'publish' | 'unpublish')}
      >
        <option value="publish">Publish</option>
        <option value="unpublish">Unpublish</option>
      </select>
      <label htmlFor={`${hid}-t`}>At ({timeZone()})</label>
      <input
        id={`${hid}-t`}
        type="datetime-local"
        value={at}
        onChange={(e) => setAt(e.target.value)}
      />
      <button type="button" onClick={() => void schedule()}>
        Schedule
      </button>
      {status && (
        <p role={status.ok ? 'status' : 'alert'} className={status.ok ? undefined : 'error'}>
          {status.text}
        </p>
      )}
      {pending.length > 0 && (
        <ul>
          {pending.map((j) => (
            <li key={j.id}>
              {j.kind === 'unpublish' ? 'Unpublish' : 'Publish'} at {inTimeZone(j.runAt)}{' '}
              <button
                type="button"
                onClick={() =>
                  void call(() => api(`${base}/${j.id}`, { method: 'DELETE' }), 'Cancelled.')
                }
              >
                Cancel <span className="visually-hidden">schedule at {inTimeZone(j.runAt)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {failed.map((j) => (
        <p key={j.id} className="error">
          The schedule at {inTimeZone(j.runAt)} failed: {j.error}
        </p>
      ))}
    </section>
  )
}
