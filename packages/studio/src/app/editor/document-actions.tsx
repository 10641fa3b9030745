import type { CollectionSchema, GlobalSchema } from '../../schema-types'
import type { DocumentSession, SessionState } from './document-session'
import { useConfirm } from './confirm-dialog'

/**
 * The document's actions with the drafts workflow's meaning: each button appears only when
 * it would do something (no "Unpublish" for a draft, no "Revert to published" without a
 * newer draft), is disabled with the reason when the caller's role does not allow it, and
 * asks first when it throws something away.
 */
export function DocumentActions({
  session,
  state,
  entity,
  kind,
  onDeleted,
}: {
  session: DocumentSession
  state: SessionState
  entity: CollectionSchema | GlobalSchema
  kind: 'collection' | 'global'
  onDeleted: () => void
}) {
  const [confirm, dialog] = useConfirm()
  const perms = entity.permissions
  const exists = state.id !== null && (kind === 'collection' || state.rev !== null)
  const busy = state.phase === 'saving' || state.phase === 'conflict'
  const canWrite = exists ? perms.update : perms.create
  const drafts = entity.versions.drafts
  const status = state.status
  const name = 'labels' in entity ? entity.labels.plural.toLowerCase() : entity.label
  const reasons: string[] = []
  if (!canWrite) reasons.push(`Your role cannot ${exists ? 'change' : 'create'} ${name}.`)
  if (drafts && !perms.publish) reasons.push(`Your role cannot publish ${name}.`)
  if (kind === 'collection' && exists && !perms.delete)
    reasons.push(`Your role cannot delete ${name}.`)
  const note = reasons.length ? 'actions-note' : undefined

  const showPublish = drafts && (status !== 'published' || state.dirty)
  const publishLabel =
    status === 'changed' || (status === 'published' && state.dirty) ? 'Publish changes' : 'Publish'
  const showUnpublish =
    drafts && kind === 'collection' && (status === 'published' || status === 'changed')
  const showRevert =
    drafts && exists && (status === 'changed' || (status === 'published' && state.dirty))

  return (
    <div className="actions" role="group" aria-label="Document actions">
      {drafts ? (
        <button
          type="button"
          onClick={() => void session.save()}
          disabled={!canWrite || busy || (exists && !state.dirty)}
          aria-describedby={note}
          title={exists && !state.dirty ? 'Nothing to save' : undefined}
        >
          Save draft
        </button>
      ) : (
        <button
          type="button"
          className="primary"
          onClick={() => void session.save()}
          disabled={!canWrite || busy}
          aria-describedby={note}
        >
          Save
        </button>
      )}
      {showPublish && (
        <button
          type="button"
          className="primary"
          onClick={() => void session.publish()}
          disabled={!canWrite || !perms.publish || busy}
          aria-describedby={note}
        >
          {publishLabel}
        </button>
      )}
      {showUnpublish && (
        <button
          type="button"
          disabled={!perms.publish || busy}
          aria-describedby={note}
          onClick={async () => {
            if (
              await confirm({
                title: 'Unpublish this document?',
                body: 'The public will no longer see it. Its content stays as a draft.',
                action: 'Unpublish',
              })
            )
              await session.unpublish()
          }}
        >
          Unpublish
        </button>
      )}
      {showRevert && (
        <button
          type="button"
          disabled={!perms.update || busy}
          aria-describedby={note}
          onClick={async () => {
            if (
              await confirm({
                title: 'Revert to the published version?',
                body: 'The draft and any unsaved changes are dropped; the history keeps them.',
                action: 'Revert to published',
              })
            )
              await session.revertToPublished()
          }}
        >
          Revert to published
        </button>
      )}
      {kind === 'collection' && exists && (
        <button
          type="button"
          className="danger"
          disabled={!perms.delete || busy}
          aria-describedby={note}
          onClick={async () => {
            if (
              await confirm({
                title: 'Delete this document?',
                body: 'It disappears for everyone, with its drafts and history.',
                action: 'Delete',
              })
            ) {
              if (await session.remove()) onDeleted()
            }
          }}
        >
          Delete
        </button>
      )}
      {note && (
        <p id={note} className="muted note">
          {reasons.join(' ')}
        </p>
      )}
      {dialog}
    </div>
  )
}
