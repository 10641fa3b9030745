import { lazy, type ComponentType } from 'react'
import type { StudioSchema } from '../schema-types'

type PageModule = Record<string, ComponentType<{ schema: StudioSchema }> | undefined>
/**
 * Views other packages of work add under `presentation/` and `releases/`: each is its own
 * chunk, and its route and navigation link appear once its `index.tsx` exists.
 */
const PAGES = import.meta.glob<PageModule>(['./presentation/index.tsx', './releases/index.tsx'])
function pageOf(file: string, name: string): ComponentType<{ schema: StudioSchema }> | null {
  const load = PAGES[file]
  if (!load) return null
  return lazy(async () => {
    const Page = (await load())[name]
    if (!Page) throw new Error(`${file} exports no ${name}.`)
    return { default: Page }
  })
}
export const PresentationPage = pageOf('./presentation/index.tsx', 'PresentationPage')
export const ReleasesPage = pageOf('./releases/index.tsx', 'ReleasesPage')

/** Extra navigation entries (label → path) for the views present in this build. */
export const EXTRA_NAV: Array<{ label: string; href: string }> = [
  ...(PresentationPage ? [{ label: 'Presentation', href: '/presentation' }] : []),
  ...(ReleasesPage ? [{ label: 'Releases', href: '/releases' }] : []),
]
