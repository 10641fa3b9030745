import { useId, useState } from 'react'

/** What a non-admin sees on an admin screen: what it is for and why they cannot use it. */
export function AdminOnly({ title, role, what }: { title: string; role: string; what: string }) {
  return (
    <>
      <h1>{title}</h1>
      <p role="note" className="panel">
        Only admins {what}. You are signed in as {role === 'editor' ? 'an' : 'a'} {role}; ask an
        admin if you need this.
      </p>
    </>
  )
}

/** A secret shown once (a new token, a temporary password), selectable and copyable. */
export function ShownOnce({
  label,
  intro,
  secret,
}: {
  label: string
  intro: string
  secret: string
}) {
  const id = useId()
  const [copied, setCopied] = useState(false)
  return (
    <div className="share-created" aria-live="polite">
      <p>{intro}</p>
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <input id={id} readOnly value={secret} onFocus={(e) => e.target.select()} />
      <button
        type="button"
        onClick={() =>
          navigator.clipboard?.writeText(secret).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  )
}
