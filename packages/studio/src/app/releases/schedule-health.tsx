import { useQuery } from '@tanstack/react-query'
import { api } from '../api/api-client'
import { type ScheduleHealth, inTimeZone } from './release-api'

/** The scheduler's health: when a job last ran, what is pending, and failures with reasons. */
export function ScheduleHealthPanel() {
  const health = useQuery({
    queryKey: ['schedule-health'],
    queryFn: () => api<ScheduleHealth>('/schedules/health'),
    refetchInterval: 10_000,
  })
  if (!health.data) return null
  const h = health.data
  return (
    <section className="panel" aria-labelledby="schedule-health-h">
      <h2 id="schedule-health-h">Scheduled publishing</h2>
      <p>
        Last run: {h.lastRun ? inTimeZone(h.lastRun.at) : 'never'}. Pending: {h.pending}
        {h.nextRunAt ? `, next at ${inTimeZone(h.nextRunAt)}` : ''}.
      </p>
      {h.overdue > 0 && (
        <p className="error" role="alert">
          {h.overdue} schedule(s) are overdue: no server is running scheduled jobs.
        </p>
      )}
      {h.failures.length > 0 && (
        <>
          <h3>Failures</h3>
          <ul>
            {h.failures.map((f) => (
              <li key={f.jobId}>
                {f.at ? inTimeZone(f.at) : '—'}: {f.error}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
