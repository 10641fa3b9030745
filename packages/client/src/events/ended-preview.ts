/**
 * Whether a refused `GET /api/events` says the preview session ended (403 `PREVIEW_ENDED`):
 * then nothing is retried. Reads the body.
 */
export async function endsPreview(res: Response): Promise<boolean> {
  if (res.status !== 403) return false
  try {
    return ((await res.json()) as { error?: { code?: string } })?.error?.code === 'PREVIEW_ENDED'
  } catch {
    return false
  }
}
