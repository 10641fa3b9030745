import { ConfigError } from '@galley/core'

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/

/** `blog-posts` → `BlogPosts`. */
export function pascal(slug: string): string {
  return slug
    .split(/[-_]/)
    .filter(Boolean)
    .map((s) => s[0]!.toUpperCase() + s.slice(1))
    .join('')
}

/** `blog-posts` → `blogPosts`. */
export function camel(slug: string): string {
  const p = pascal(slug)
  return p[0]!.toLowerCase() + p.slice(1)
}

/** Takes a GraphQL name for its owner; a name two owners need is a config error, not a silent overwrite. */
export type ClaimName = (name: string, owner: string) => string

/** A fresh registry of the schema's type and field names. */
export function nameRegistry(): ClaimName {
  const names = new Map<string, string>()
  return (name, owner) => {
    if (!NAME.test(name))
      throw new ConfigError(`GraphQL: '${owner}' gives the invalid name '${name}'.`)
    const other = names.get(name)
    if (other && other !== owner)
      throw new ConfigError(
        `GraphQL: '${owner}' and '${other}' both need the name '${name}'; rename one slug.`,
      )
    names.set(name, owner)
    return name
  }
}
