/**
 * `@galley/studio` on the server side: where the built Studio is and how to build it.
 * The app itself (React, under src/app) is bundled by Vite; `@galley/server` serves
 * `STUDIO_DIST` at `/admin`.
 */
export {
  STUDIO_DIST,
  STUDIO_ROOT,
  buildStudio,
  ensureStudioBuilt,
  isStudioBuilt,
  studioSourceHash,
} from './build/studio-build'
export type {
  CollectionSchema,
  FieldSchema,
  GlobalSchema,
  Permissions,
  StudioSchema,
  VersionsSchema,
} from './schema-types'
