// Package jwriter is easyjson's JSON writer (github.com/mailru/easyjson/jwriter, with its package buffer
// merged in as buffer.go), copied from easyjson v0.9.2 under easyjson's MIT licence (LICENSE, beside this file).
//
// Removed: Writer.DumpTo, Writer.ReadCloser, Buffer.DumpTo and Buffer.ReadCloser with its reader type, and so
// the imports of io and net. ctibridge only builds bytes (BuildBytes). Buffer.DumpTo is easyjson's only use of
// net, for one net.Buffers call, and importing net links its initialisation and what it reaches into the
// WebAssembly module: 35 KB brotli of a budget with a few KB of room (web/docs/performance.md).
//
// Changed: the two packages are one (Writer.Buffer is of type Buffer, not buffer.Buffer), and the copied files
// build except under the tag easyjson's generator runs with, when bootstrap.go makes Writer easyjson's own.
//
// Everything else is easyjson's code unchanged, so that its output is byte for byte easyjson's: the codecs
// easyjson generates for core import this package instead of easyjson's (scripts/easyjsonpost rewrites the
// import), and a test in this package and one in core compare the two writers' output. A test also checks that
// the module links no net.
package jwriter
