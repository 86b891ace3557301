package core_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ctibridge/ctibridge/core"
)

// The keys the adapter keeps of a Streams snapshot are exactly the json names of the fields core reads, and the
// DNIS attribute: a field added to a snapshot type without its key would always decode empty in the browser
// (JSON.stringify drops it), and a key left over would be copied for nothing.
func TestSnapshotKeysAreTheSnapshotTypesJSONNames(t *testing.T) {
	want := map[string]bool{core.AttributeDNIS: true}
	jsonNames(reflect.TypeOf(core.StreamsSnapshot{}), want, map[reflect.Type]bool{})
	got := map[string]bool{}
	for _, k := range core.SnapshotKeys {
		assert.False(t, got[k], "%s listed twice", k)
		got[k] = true
	}
	assert.Equal(t, sorted(want), sorted(got))
}

// jsonNames adds the json name of every field of t, and of the types its fields hold, to names.
func jsonNames(t reflect.Type, names map[string]bool, seen map[reflect.Type]bool) {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		jsonNames(t.Elem(), names, seen)
		return
	case reflect.Struct:
	default:
		return
	}
	if seen[t] {
		return
	}
	seen[t] = true
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names[name] = true
		jsonNames(f.Type, names, seen)
	}
}

func sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
