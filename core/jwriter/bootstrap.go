//go:build ctibridge_easyjson_bootstrap

package jwriter

import "github.com/mailru/easyjson/jwriter"

// easyjson's generator compiles core with stub codecs that take easyjson's *jwriter.Writer, next to the codecs
// it generated before, which take this package's. core/wire.go's go:generate line sets this file's build tag for
// that compilation only: the writer is then easyjson's, under this package's names, so that both compile.
type (
	Writer = jwriter.Writer
	Flags  = jwriter.Flags
)

const (
	NilMapAsEmpty   = jwriter.NilMapAsEmpty
	NilSliceAsEmpty = jwriter.NilSliceAsEmpty
)
