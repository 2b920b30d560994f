import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev -w web` serves the screens with hot reload and forwards /api (SSE included) to a running
// server: MUSUBI_API=http://localhost:3000 by default.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/api': { target: process.env.MUSUBI_API ?? 'http://localhost:3000', changeOrigin: true } },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
