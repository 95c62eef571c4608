// Next.js's ambient types (what the generated next-env.d.ts references), without its imports of .next/types:
// `tsc` runs before the first `next build` on a fresh clone, when .next does not exist yet.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
