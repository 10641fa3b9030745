export { sqlite } from './sqlite-store'
export type { SqliteOptions } from './sqlite-store'
export type { ReadCacheOptions } from './read-cache'
export { sqliteDialect } from './sqlite-dialect'
