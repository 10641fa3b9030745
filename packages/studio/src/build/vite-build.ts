/**
 * The Vite build of the Studio, run in its own process by `buildStudio` (with
 * NODE_ENV=production, so React and its JSX are the production builds whatever the caller
 * runs under, and apart from any Vite a test runner has loaded). Usage: vite-build.ts <outDir>
 */
import { build } from 'vite'
import react from '@vitejs/plugin-react'
import { STUDIO_ROOT } from './studio-root'

const outDir = process.argv[2]
if (!outDir) throw new Error('Usage: vite-build.ts <outDir>')
await build({
  root: STUDIO_ROOT,
  base: '/admin/',
  configFile: false,
  mode: 'production',
  logLevel: process.env.GALLEY_STUDIO_BUILD_QUIET ? 'error' : 'info',
  plugins: [react()],
  build: { outDir, emptyOutDir: true, sourcemap: false, reportCompressedSize: false },
})
