import { galleyDraftMode } from '@/lib/draft-mode'

/**
 * Enables draft mode from a Galley preview link
 * (`/api/draft?galley-preview-secret=…&galley-preview-pathname=/posts/x`): the secret is
 * checked by the Galley server, the path must name a document that exists in the secret's
 * perspective, then Galley's signed cookie and Next's draft-mode cookie are set and the
 * editor is sent to the document's path. Bad secret → 401, unknown path → 404, no cookie.
 */
export async function GET(request: Request): Promise<Response> {
  return galleyDraftMode().enable.GET(request)
}
