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
        globPatterns: ['**/*.{js,css,html,svg,png,woff2}'],
        // The whole app is one bundle of a few MB (the charts included): precached all the same.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
      // The shopper's app. Staff install their own from /store and /hq (public/store.webmanifest,
      // public/hq.webmanifest; the page links the one for where it is: src/shared/pwa.tsx).
      manifest: {
        id: '/',
        name: 'Musubi（結び）ショップ',
        short_name: '結び',
        description: 'ウェブショップとアプリ、店舗をひとつに。会員証、ポイント、お気に入り、取り置き。',
        lang: 'ja',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        theme_color: '#1f3a5f',
        background_color: '#ffffff',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        shortcuts: [
          { name: '会員証', url: '/account', icons: [{ src: '/icon-192.png', sizes: '192x192' }] },
          { name: 'お気に入り', url: '/account/favourites', icons: [{ src: '/icon-192.png', sizes: '192x192' }] },
        ],
      },
    }),
  ],
  server: {
    proxy: { '/api': { target: process.env.MUSUBI_API ?? 'http://localhost:3000', changeOrigin: true } },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
