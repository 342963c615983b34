/**
 * One Vite build, three entry points (each an HTML page): the operator console at `/`, the
 * sign-up page at `/signup/` and the commerce app at `/app/`. The same `dist/` is served by
 * the local cloud's console origin and uploaded to S3 behind CloudFront.
 */
import * as path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    manifest: true,
    // Cloudscape is large; the shared chunk is cached across the three apps.
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        operator: path.join(root, 'index.html'),
        signup: path.join(root, 'signup/index.html'),
        commerce: path.join(root, 'app/index.html'),
      },
    },
  },
});
