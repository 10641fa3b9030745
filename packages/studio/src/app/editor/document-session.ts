import { api, ApiError, qs } from '../api/api-client'
import type { Doc } from '../api/documents'
import type { FieldSchema } from '../../schema-types'
import { FormStore, type Values } from './form-store'

/** What the save indicator and the actions show. */
export interface SessionState {
  /** `clean`: nothing to save; `dirty`: changes not yet sent; `saved`: the last save went through. */
  phase: 'clean' | 'dirty' | 'saving' | 'saved' | 'error' | 'conflict'
  savedAt: number | null
  message: string | null
  id: string | null
  rev: string | null
  status: Doc['_status'] | null
  /** Messages of a 422 by field path (`seo.title`, `nav.0.label`). */
  fieldErrors: Record<string, string>
  /** Someone else's version, after a 409. */
  theirs: Doc | null
  /** Whether the form holds something the server does not. */
  dirty: boolean
}

/** The document an editor works on. */
export interface SessionTarget {
  kind: 'collection' | 'global'
  slug: string
  drafts: boolean
  autosave: boolean
  autosaveInterval: number
  fields: FieldSchema[]
  /** Whether this caller may write at all (create for a new document, else update). */
  canWrite: boolean
}

/**
 * One open document: its form values and every write to the server, one at a time.
 *
 * The rule that keeps keystrokes: a save sends the values as they are at that moment and,
 * when it returns, takes only the new revision id and status from the answer — never field
 * values — so whatever was typed while it was in flight stays, and is saved next. Every write
 * names the revision it builds on (`If-Match`); a 409 stops autosave and keeps both versions
 * for the editor to choose.
 */
export class DocumentSession {
  readonly store: FormStore
  readonly target: SessionTarget
  #state: SessionState
  #listeners = new Set<() => void>()
  /** The values the server holds for this document (the last ones sent or loaded). */
  #saved: Values
  #queue: Promise<unknown> = Promise.resolve()
  #timer: ReturnType<typeof setTimeout> | null = null
  /** When the oldest change not yet handed to a save was made (for autosave's longest wait). */
  #pendingSince: number | null = null
  /** Told when the first save of a new document created it. */
  onCreated: ((id: string) => void) | null = null

  constructor(target: SessionTarget, doc: Doc | null) {
    this.target = target
    const values = doc ? pickValues(doc, target.fields) : defaultValues(target.fields)
    this.store = new FormStore(values)
    this.#saved = values
    this.#state = {
      phase: 'clean',
      savedAt: null,
      message: null,
      id: target.kind === 'global' ? target.slug : (doc?.id ?? null),
      rev: doc?._rev ?? null,
      status: doc?._status ?? null,
      fieldErrors: {},
      theirs: null,
      dirty: false,
    }
  }

  /** Start listening to the form (autosave); the returned function sends pending work and stops. */
  attach(): () => void {
    const unsubscribe = this.store.subscribe(this.#onChange)
    return () => {
      unsubscribe()
      this.flush()
    }
  }

  getState = (): SessionState => this.#state
  subscribe = (fn: () => void): (() => void) => {
    this.#listeners.add(fn)
    return () => this.#listeners.delete(fn)
  }

  /** Whether the form holds something the server does not. */
  get dirty(): boolean {
    return this.store.values !== this.#saved
  }

  /** Save the draft now (Ctrl/Cmd+S, "Save draft"); without drafts, save (and publish). */
  save(): Promise<boolean> {
    this.#clearTimer()
    return this.#enqueue(() =>
      this.target.drafts ? this.#saveDraft(false, true) : this.#publish(),
    )
  }

  publish(): Promise<boolean> {
    this.#clearTimer()
    return this.#enqueue(() => this.#publish())
  }

  unpublish(): Promise<boolean> {
    this.#clearTimer()
    return this.#enqueue(async () => {
      if (this.dirty && !(await this.#saveDraft(false, false))) return false
      return this.#action('unpublish')
    })
  }

  /** Drop the draft: the form shows the published content again. */
  revertToPublished(): Promise<boolean> {
    this.#clearTimer()
    return this.#enqueue(() => this.#action('discard-draft', true))
  }

  remove(): Promise<boolean> {
    this.#clearTimer()
    return this.#enqueue(async () => {
      try {
        await api(this.#path(), { method: 'DELETE', ifMatch: this.#state.rev ?? undefined })
        this.close()
        return true
      } catch (err) {
        await this.#fail(err)
        return false
      }
    })
  }

  /** After a 409: write mine over theirs (a new draft on top of their revision). */
  keepMine(): Promise<boolean> {
    const theirs = this.#state.theirs
    if (!theirs) return Promise.resolve(true)
    this.#set({ theirs: null, rev: theirs._rev, status: theirs._status, phase: 'dirty' })
    return this.#enqueue(() =>
      this.target.drafts ? this.#saveDraft(false, true) : this.#publish(),
    )
  }

  /** After a 409: show their version and drop mine. */
  takeTheirs(): void {
    const theirs = this.#state.theirs
    if (!theirs) return
    this.#load(theirs)
    this.#set({ theirs: null, phase: 'clean', message: null, fieldErrors: {} })
  }

  /** Send pending autosave work now (leaving the editor must not drop it). */
  flush(): void {
    if (this.#timer !== null) {
      this.#clearTimer()
      void this.#enqueue(() => this.#saveDraft(true, false))
    }
  }

  close(): void {
    this.#clearTimer()
  }

  // ------------------------------------------------------------------ internals

  #onChange = () => {
    const s = this.#state
    // Only a change of phase or dirtiness is news: a keystroke alone re-renders its field only.
    if (s.phase !== 'saving' && s.phase !== 'conflict' && this.dirty) {
      if (s.phase !== 'dirty') this.#set({ phase: 'dirty' })
    } else if (s.dirty !== this.dirty) this.#set({})
    if (this.target.autosave && this.target.canWrite && s.theirs === null) {
      this.#clearTimer()
      // A pause in typing saves; so does typing on without a pause for a few intervals, so a
      // long stretch of writing is never only in the browser.
      const now = Date.now()
      this.#pendingSince ??= now
      const maxWait = Math.max(1000, this.target.autosaveInterval * 2)
      const wait = Math.min(this.target.autosaveInterval, this.#pendingSince + maxWait - now)
      this.#timer = setTimeout(
        () => {
          this.#timer = null
          this.#pendingSince = null
          void this.#enqueue(() => this.#saveDraft(true, false))
        },
        Math.max(0, wait),
      )
    }
  }

  #clearTimer() {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
  }

  #enqueue(op: () => Promise<boolean>): Promise<boolean> {
    const next = this.#queue.then(op, op)
    this.#queue = next.catch(() => false)
    return next
  }

  #path(action?: string): string {
    const { kind, slug } = this.target
    const base =
      kind === 'global' ? `/globals/${slug}` : `/${slug}/${encodeURIComponent(this.#state.id!)}`
    return action ? `${base}/${action}` : base
  }

  async #saveDraft(autosave: boolean, force: boolean): Promise<boolean> {
    if (this.#state.theirs) return false
    const snapshot = this.store.values
    // Everything typed so far goes with this save: autosave's longest wait starts again.
    this.#pendingSince = null
    if (!force && snapshot === this.#saved && this.#state.id !== null) return true
    this.#set({ phase: 'saving', message: null })
    try {
      const doc =
        this.#state.id === null
          ? await api<Doc>(`/${this.target.slug}${qs({ draft: true })}`, {
              method: 'POST',
              body: snapshot,
            })
          : await api<Doc>(
              `${this.#path()}${qs({ draft: true, autosave: autosave || undefined })}`,
              {
                method: 'PATCH',
                body: snapshot,
                ifMatch: this.#state.rev ?? undefined,
              },
            )
      this.#accepted(doc, snapshot)
      return true
    } catch (err) {
      await this.#fail(err)
      return false
    }
  }

  async #publish(): Promise<boolean> {
    if (this.#state.theirs) return false
    const snapshot = this.store.values
    this.#pendingSince = null
    this.#set({ phase: 'saving', message: null })
    try {
      let doc: Doc
      if (this.#state.id === null) {
        doc = await api<Doc>(`/${this.target.slug}`, { method: 'POST', body: snapshot })
      } else if (snapshot !== this.#saved || !this.target.drafts) {
        doc = await api<Doc>(this.#path(), {
          method: 'PATCH',
          body: snapshot,
          ifMatch: this.#state.rev ?? undefined,
        })
      } else {
        doc = await api<Doc>(this.#path('publish'), {
          method: 'POST',
          ifMatch: this.#state.rev ?? undefined,
        })
      }
      this.#accepted(doc, snapshot)
      return true
    } catch (err) {
      await this.#fail(err)
      return false
    }
  }

  async #action(name: 'unpublish' | 'discard-draft', reload = false): Promise<boolean> {
    this.#set({ phase: 'saving', message: null })
    try {
      const doc = await api<Doc>(this.#path(name), {
        method: 'POST',
        ifMatch: this.#state.rev ?? undefined,
      })
      if (reload) this.#load(doc)
      this.#accepted(doc, this.#saved)
      return true
    } catch (err) {
      await this.#fail(err)
      return false
    }
  }

  /** A write went through: keep its revision and status; the form's values stay as they are. */
  #accepted(doc: Doc, sent: Values) {
    const created = this.#state.id === null
    this.#saved = sent
    const stillDirty = this.store.values !== sent
    this.#set({
      id: this.target.kind === 'global' ? this.target.slug : doc.id,
      rev: doc._rev,
      status: doc._status,
      phase: stillDirty ? 'dirty' : 'saved',
      savedAt: Date.now(),
      message: null,
      fieldErrors: {},
    })
    if (created) this.onCreated?.(doc.id)
    // Typed while the save was in flight: that is saved next, after the usual pause.
    if (stillDirty && this.target.autosave && this.#timer === null) this.#onChange()
  }

  #load(doc: Doc) {
    const values = pickValues(doc, this.target.fields)
    this.#saved = values
    this.store.replace(values)
    this.#set({ rev: doc._rev, status: doc._status })
  }

  async #fail(err: unknown) {
    if (err instanceof ApiError && err.status === 409 && this.#state.id !== null) {
      this.#clearTimer()
      try {
        const theirs = await api<Doc>(
          `${this.#path()}${qs({ draft: this.target.drafts || undefined })}`,
        )
        this.#set({
          phase: 'conflict',
          theirs,
          message: 'Someone else saved this document after you opened it.',
        })
      } catch {
        this.#set({ phase: 'conflict', message: err.message })
      }
      return
    }
    if (err instanceof ApiError && err.status === 422) {
      const fieldErrors: Record<string, string> = {}
      for (const f of err.fields) fieldErrors[f.path] ??= f.message
      this.#set({
        phase: 'error',
        fieldErrors,
        message: `Not saved: ${err.fields.length === 1 ? 'a field needs' : 'some fields need'} attention.`,
      })
      return
    }
    this.#set({ phase: 'error', message: `Not saved: ${(err as Error).message}` })
  }

  #set(patch: Partial<SessionState>) {
    this.#state = { ...this.#state, ...patch, dirty: this.dirty }
    for (const fn of this.#listeners) fn()
  }
}

/** The form's values of a document: its fields, nothing else (no id, status or timestamps). */
export function pickValues(doc: Record<string, unknown>, fields: FieldSchema[]): Values {
  const out: Values = {}
  for (const f of fields) if (doc[f.name] !== undefined) out[f.name] = doc[f.name]
  return out
}

/** A new document's values: the config's defaults. */
export function defaultValues(fields: FieldSchema[]): Values {
  const out: Values = {}
  for (const f of fields) {
    if (f.defaultValue !== undefined) out[f.name] = f.defaultValue
    else if (f.type === 'group' && f.fields) out[f.name] = defaultValues(f.fields)
  }
  return out
}
