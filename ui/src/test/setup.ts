// Vitest setup: unmount what a test rendered (testing-library only does it
// automatically when vitest globals are on, and we keep them off).
import { afterEach } from "vitest";
import { cleanup } from "@testing-library/svelte";

afterEach(() => cleanup());
