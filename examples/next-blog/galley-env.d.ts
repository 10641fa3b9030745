// Next's types for `tsc -p examples/next-blog` before any `next build` wrote next-env.d.ts.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
