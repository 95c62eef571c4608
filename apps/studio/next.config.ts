/**
 * Next.js configuration of the studio.
 *
 * The browser talks to one origin: `/api/*` and `/socket.io/*` are rewritten (proxied, websocket upgrades
 * included) to the Flowstate server at FLOWSTATE_SERVER_URL. Rewrites are written into the build's routes
 * manifest, so the server's address is fixed when `next build` runs: scripts/start-app.mjs builds with the
 * same FLOWSTATE_SERVER_URL it then starts the server on.
 */
import type { NextConfig } from 'next';
import { serverUrl } from './src/lib/env';

const target = serverUrl();

const config: NextConfig = {
  // The workspace packages ship TypeScript sources (`exports: ./src/index.ts`).
  transpilePackages: ['@flowstate/api', '@flowstate/spec'],
  // socket.io's endpoint is `/socket.io/`: the default slash-removing redirect would break its handshake.
  skipTrailingSlashRedirect: true,
  poweredByHeader: false,
  reactStrictMode: true,
  // `tsc -p apps/studio` runs in the test command's typecheck step; the build need not type check again.
  typescript: { ignoreBuildErrors: true },
  async rewrites() {
    return [
      { source: '/api/:path*', destination: `${target}/api/:path*` },
      { source: '/socket.io/', destination: `${target}/socket.io/` },
      { source: '/socket.io/:path*', destination: `${target}/socket.io/:path*` },
    ];
  },
};

export default config;
