// The headers every benchmark response carries: with them each frame is cross-origin isolated, which gives
// performance.now() its fine resolution (5 µs instead of 100 µs). Every frame must also be allowed
// "cross-origin-isolated".
export const ISOLATION = Object.freeze({
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "cross-origin",
});
