import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

// React's "not wrapped in act(...)" warning means a test asserted before the UI
// settled: fail the test that caused it instead of printing noise.
const actWarnings: string[] = [];
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  const text = args.map(String).join(" ");
  if (text.includes("not wrapped in act(")) actWarnings.push(text);
  consoleError(...args);
};

afterEach(() => {
  cleanup();
  const warnings = actWarnings.splice(0);
  if (warnings.length > 0) {
    throw new Error(`React warned during this test: ${warnings[0] ?? ""}`);
  }
});
Element.prototype.scrollIntoView = function scrollIntoView() {};
