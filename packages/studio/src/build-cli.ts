/** `npm run build -w @galley/studio`: build the Studio into packages/studio/dist. */
import { buildStudio, STUDIO_DIST } from './build/studio-build'

await buildStudio()
process.stdout.write(`Studio built into ${STUDIO_DIST}\n`)
