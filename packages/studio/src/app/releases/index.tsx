import { Route, Switch } from 'wouter'
import type { StudioSchema } from '../../schema-types'
import { ReleaseList } from './release-list'
import { ReleaseView } from './release-view'
import './releases.css'

/**
 * `/admin/releases`: content releases — list and create them, and per release its
 * documents (changes against published, validation), Publish, Schedule (in the editor's
 * time zone), Unschedule, Archive, Revert and Delete, and the scheduler's health.
 */
export function ReleasesPage({ schema }: { schema: StudioSchema }) {
  return (
    <Switch>
      <Route path="/">
        <ReleaseList schema={schema} />
      </Route>
      <Route path="/:id">{(params) => <ReleaseView schema={schema} id={params.id} />}</Route>
    </Switch>
  )
}
