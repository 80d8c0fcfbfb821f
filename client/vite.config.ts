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
    // three.js is only ever loaded by the 3D preview's dynamic import. Its own chunk keeps it
    // out of the first page and cached across changes to the viewer; at about 550 kB it is
    // larger than Vite's default warning size, which is meant for chunks every page loads.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: [{ name: 'three', test: /node_modules[\\/]three[\\/]/ }] },
      },
    },
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
