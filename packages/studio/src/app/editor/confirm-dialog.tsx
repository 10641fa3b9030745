import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react'

interface Ask {
  title: string
  body: string
  action: string
  resolve: (ok: boolean) => void
}

/**
 * Ask before a destructive action. Returns `confirm(...)`, resolving to whether the editor
 * agreed, and the dialog element to render. A modal `<dialog>`: focus moves into it (to
 * "Cancel", the safe choice), Escape cancels, and focus returns to the button afterwards.
 */
export function useConfirm(): [
  (o: { title: string; body: string; action: string }) => Promise<boolean>,
  ReactNode,
] {
  const [ask, setAsk] = useState<Ask | null>(null)
  const confirm = useCallback(
    (o: { title: string; body: string; action: string }) =>
      new Promise<boolean>((resolve) => setAsk({ ...o, resolve })),
    [],
  )
  const dialog = ask ? (
    <ConfirmDialog
      ask={ask}
      onClose={(ok) => {
        ask.resolve(ok)
        setAsk(null)
      }}
    />
  ) : null
  return [confirm, dialog]
}

function ConfirmDialog({ ask, onClose }: { ask: Ask; onClose: (ok: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null)
  const id = useId()
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null
    ref.current?.showModal()
    return () => opener?.focus()
  }, [])
  return (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(e) => {
        e.preventDefault()
        onClose(false)
      }}
    >
      <h2 id={`${id}-title`}>{ask.title}</h2>
      <p id={`${id}-body`}>{ask.body}</p>
      <div className="dialog-actions">
        <button type="button" onClick={() => onClose(false)}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => onClose(true)}>
          {ask.action}
        </button>
      </div>
    </dialog>
  )
}
