import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Property-based tests run thousands of cases; on a loaded CI machine they need more than 5 s.
    testTimeout: 60_000,
  },
});
