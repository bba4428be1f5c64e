import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Integration tests talk to a real Docker Engine and spawn the real server.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
