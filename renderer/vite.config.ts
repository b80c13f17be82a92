import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Paths are relative to `root` so this file needs no node: imports (the renderer layer has none).
export default defineConfig({
  root: 'renderer',
  // Relative asset URLs: the same build is served by `orchard serve` and loaded from disk by Electron.
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // The plotly chunk is large by nature and loaded only when a chart opens.
    chunkSizeWarningLimit: 4000,
  },
});
