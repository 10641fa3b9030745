import type { Hono } from 'hono'
import { JobRunner, type JobRunnerOptions, Releases } from '@galley/core'
import type { ServerContext, ServerEnv } from '../server-context'
import { documentScheduleRoutes, releaseRoutes, scheduleRoutes } from './release-routes'

declare module '../server-options' {
  interface ServerOptions {
    /**
     * The scheduled-job runner of this server (release and document schedules). Default on:
     * run one in every server; jobs fire once however many there are. `false`: off.
     */
    jobs?: false | JobRunnerOptions
  }
}

/** What `mountReleases` leaves running. */
export interface MountedReleases {
  releases: Releases
  runner: JobRunner | null
  close(): Promise<void>
}

/**
 * Mount `/api/releases`, `/api/schedules` and `/api/:collection/:id/schedule` (before the
 * collection routes) and start the job runner, when the store keeps releases.
 */
export function mountReleases(
  app: Hono<ServerEnv>,
  ctx: ServerContext,
  jobs: false | JobRunnerOptions | undefined,
): MountedReleases | null {
  const galley = ctx.galley
  if (!galley.config.storage.releases) return null
  const releases = new Releases(galley)
  const runner =
    jobs === false ? null : new JobRunner(galley, { logger: ctx.options.logger, ...jobs }).start()
  const deps = { releases, wake: () => runner?.wake() }
  app.route('/api/releases', releaseRoutes(ctx, deps))
  app.route('/api/schedules', scheduleRoutes(ctx, deps))
  app.route('/api', documentScheduleRoutes(ctx, deps))
  return { releases, runner, close: async () => runner?.stop() }
}
