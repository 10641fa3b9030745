import type { SessionState } from './document-session'

/** The autosave indicator: "Saving…", then "Saved" with the time; announced politely. */
export function SaveStatus({ state }: { state: SessionState }) {
  let text: string
  switch (state.phase) {
    case 'saving':
      text = 'Saving…'
      break
    case 'saved':
      text = `Saved ${new Date(state.savedAt ?? Date.now()).toLocaleTimeString()}`
      break
    case 'dirty':
      text = 'Unsaved changes'
      break
    case 'conflict':
      text = 'Not saved: changed elsewhere'
      break
    case 'error':
      // The reason is in the alert beside the actions.
      text = 'Not saved'
      break
    default:
      text = state.id === null ? 'Not saved yet' : 'No unsaved changes'
  }
  return (
    <p role="status" className={`save-status save-${state.phase}`}>
      {text}
    </p>
  )
}
