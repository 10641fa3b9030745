import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // Our packages export their TypeScript sources (no build step): let Next compile them.
  transpilePackages: ['@galley/client', '@galley/preview', '@galley/perspectives'],
  poweredByHeader: false,
  reactStrictMode: true,
}

export default nextConfig
