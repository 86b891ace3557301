// For TypeScript (or // @ts-check) pages that use the classic build: ctibridge.classic.js sets window.ctibridge.
import type { CtiBridgeGlobal } from "ctibridge";

declare global {
  interface Window {
    ctibridge: CtiBridgeGlobal;
  }
}
