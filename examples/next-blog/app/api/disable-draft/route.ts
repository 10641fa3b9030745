import { galleyDraftMode } from '@/lib/draft-mode'

/** Ends draft mode: clears both cookies; `?redirect=/path` answers 303 there (same site only). */
export async function POST(request: Request): Promise<Response> {
  return galleyDraftMode().disable.POST(request)
}

/** 405: a GET could be a link prefetch, which must not end draft mode. */
export async function GET(request: Request): Promise<Response> {
  return galleyDraftMode().disable.GET(request)
}
