export { postgres } from './postgres-store'
export type { PostgresOptions } from './postgres-store'
export { postgresDialect } from './postgres-dialect'
