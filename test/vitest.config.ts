import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Each file starts real server processes; on two cores they run one file at a time.
    fileParallelism: false,
  },
});
