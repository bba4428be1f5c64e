import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Integration tests run the real docker-compose against a real Docker Engine.
    testTimeout: 90_000,
    hookTimeout: 180_000,
  },
});
