export { enableVisualEditing, OVERLAY_ATTRIBUTE } from './enable-visual-editing'
export type { VisualEditing, VisualEditingOptions } from './enable-visual-editing'
export { connectToStudio } from './frontend-channel'
export type { StudioChannel, StudioChannelOptions } from './frontend-channel'
export { createOverlay } from './overlay'
export type { Overlay, OverlayOptions } from './overlay'
export { documentLabel, EDIT_ATTRIBUTE, fieldLabel, findEditTargets } from './edit-targets'
export { documentKey, liveStore, mergeLiveValues, subscribeLiveDocument } from './live-store'
export type { MergeOptions } from './live-store'
export { cleanMarks, encodeMark, findMarks, parseRef } from './stega-marks'
export type { EditTarget, FoundMark } from './stega-marks'
export {
  CHANNEL,
  HEARTBEAT_MS,
  PROTOCOL_VERSION,
  TIMEOUT_MS,
  envelope,
  normaliseOrigins,
  readFrontendMessage,
  readStudioMessage,
} from './protocol'
export type { DocumentKey, Envelope, FrontendMessage, StudioMessage } from './protocol'
