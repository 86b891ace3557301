// The startup baseline: a page whose module script does nothing but say it is ready.
globalThis.__startup = { ready: performance.now() };
