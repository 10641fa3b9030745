import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The Studio package's directory (index.html and src/app are its build inputs). */
export const STUDIO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** Where the built Studio lives; the server serves it at `/admin`. */
export const STUDIO_DIST = join(STUDIO_ROOT, 'dist')
