import { AddToRelease } from './add-to-release'
import { ScheduleDocument } from './schedule-document'

/**
 * The document editor's release and schedule controls, folded away until opened: "Add to
 * release" (the current values as the document's content in an open release) and
 * "Schedule" (publish or unpublish at a time). Shown for saved documents of collections
 * with drafts to callers who may publish.
 */
export function ReleaseControls(props: {
  collection: string
  id: string
  values: () => Record<string, unknown>
}) {
  return (
    <details className="release-controls">
      <summary>Release and schedule</summary>
      <AddToRelease {...props} />
      <ScheduleDocument collection={props.collection} id={props.id} />
    </details>
  )
}
