export { VisualEditing } from './visual-editing'
export type { VisualEditingProps } from './visual-editing'
export { useLiveDocument } from './use-live-document'
