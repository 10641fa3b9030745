export { sqlite } from './sqlite-store'
export type { SqliteOptions } from './sqlite-store'
export { sqliteDialect } from './sqlite-dialect'
export { useWalBatching, walBatchStats } from './wal-batch'
