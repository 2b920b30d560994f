import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

// `npm run dev -w web` serves the screens with hot reload and forwards /api (SSE included) to a running
// server: MUSUBI_API=http://localhost:3000 by default.
export default defineConfig({
  plugins: [
    react(),
    // An installable app: the manifest (Japanese names, icons) and our service worker (src/sw.ts) with the
    // built files precached. The page registers it and announces a new version (src/shared/pwa.tsx).
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,woff2,webmanifest}'],
        // The whole app is one bundle of a few MB (the charts included): precached all the same.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
      // The three apps' manifests are files of their own (public/manifest.webmanifest for the shop,
      // public/store.webmanifest, public/hq.webmanifest), linked by public/manifest-link.js as the page is read:
      // one link, the right one, from the start (a link swapped afterwards can leave Chromium with the old one).
      manifest: false,
    }),
  ],
  server: {
    proxy: { '/api': { target: process.env.MUSUBI_API ?? 'http://localhost:3000', changeOrigin: true } },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
