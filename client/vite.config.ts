import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The Nest app on its default port; the dev server forwards everything it owns. */
const BACKEND = 'http://localhost:3000';

export default defineConfig({
  root: here('.'),
  // The page is served from the site root by Nest (CLIENT_DIR = dist/client).
  base: '/',
  build: {
    outDir: here('../dist/client'),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': BACKEND,
      '/healthz': BACKEND,
      '/livez': BACKEND,
      '/upload': BACKEND,
      '/result': BACKEND,
      '/socket.io': { target: BACKEND, ws: true },
    },
  },
});
