export { Releases } from './releases'
export type { ReleaseWithDocuments } from './releases'
export { JobRunner } from './job-runner'
export type { JobRunnerOptions } from './job-runner'
export { ReleasePublishError } from './publish-release'
export type { PublishReleaseResult, ReleaseItemResult } from './publish-release'
export type { FieldChange, ReleaseDocument } from './release-documents'
export type { ScheduleHealth } from './schedules'
export type { ReleaseInput } from './release-input'
export type {
  JobFilter,
  JobKind,
  JobRow,
  JobState,
  ReleaseId,
  ReleaseRow,
  ReleaseState,
  ReleaseType,
} from './release-storage'
