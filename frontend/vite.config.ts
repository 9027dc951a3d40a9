/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Django serves the build: django-vite reads the manifest, ServeStatic serves
// dist/ under STATIC_URL, so the base must match it.
export default defineConfig({
  base: "/static/",
  plugins: [react()],
  build: {
    manifest: true,
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: {
      input: "src/main.tsx",
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    // The first render of the whole app takes seconds on a busy 2-core CI machine.
    testTimeout: 15_000,
  },
});
