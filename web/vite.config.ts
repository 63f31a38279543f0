import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Paths from this file, not the cwd: `npm start` and the e2e test build from the repository root.
const root = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: `${root}dist`,
    emptyOutDir: true,
    // The console is an intranet app loaded once a shift; a few large chunks beat hundreds of requests.
    chunkSizeWarningLimit: 2500,
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://localhost:8080', '/healthz': 'http://localhost:8080' },
  },
});
