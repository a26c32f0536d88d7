// Checks of the built files (run after `vite build`, before the browser tests).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['tests/build/**/*.test.ts'], environment: 'node' },
});
