/** A block of the example blog's `richText` body: `{ type, children: [{ text }] }`. */
export interface RichTextBlock {
  type: string
  level?: number
  children?: { text?: string }[]
}

export interface Author {
  name: string
  bio?: string | null
}

export interface Post {
  title: string
  slug: string
  excerpt?: string | null
  body?: RichTextBlock[] | null
  /** Populated with `depth: 1`; a bare id when the reader may not see the author. */
  author?: (Author & { id: string }) | string | null
  tags?: string[] | null
  publishedAt?: string | null
  featured?: boolean | null
  seo?: { title?: string | null; description?: string | null } | null
}

export interface Settings {
  siteName: string
  tagline?: string | null
  nav?: { label: string; url: string }[] | null
}

/** The example config's collections and globals, for a typed client. */
export type Collections = { posts: Post; authors: Author }
export type Globals = { settings: Settings }
