package core_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
)

// manifestPath is what Go produces that web/ctibridge.d.ts must mirror: web/test/e2e/types.test.mjs holds each
// union and interface of the d.ts to it.
const manifestPath = "testdata/types-manifest.json"

// typesManifest is the vocabulary of the wire and of the JavaScript API, as Go defines it.
type typesManifest struct {
	Causes              []string            `json:"causes"`
	DiagnosticReasons   []string            `json:"diagnosticReasons"`
	ButtonReasons       []string            `json:"buttonReasons"`
	ButtonNames         []string            `json:"buttonNames"` // in wire order
	ButtonStates        []string            `json:"buttonStates"`
	ControlMethods      []string            `json:"controlMethods"`
	ControlSubtopics    []string            `json:"controlSubtopics"`
	ControlErrorTypes   []string            `json:"controlErrorTypes"`
	ErrorTypes          []string            `json:"errorTypes"`          // on the wire: the controls', then the vendor's other requests' (sorted)
	BridgeErrorTypes    []string            `json:"bridgeErrorTypes"`    // what a bridge's Promise rejects with
	HelloErrorTypes     []string            `json:"helloErrorTypes"`     // a softphone's failure Hello
	LoadErrorType       string              `json:"loadErrorType"`       // what load() rejects with
	LoadErrorReasons    []string            `json:"loadErrorReasons"`    // the causes of a load() the role refused
	ConnectionStates    []string            `json:"connectionStates"`    // Streams' connection states
	ConnectionTypes     []string            `json:"connectionTypes"`     // Streams' connection types
	AgentStateTypeLabel []string            `json:"agentStateTypeLabel"` // AgentStateOf's type, for every AgentStateType
	Topics              []string            `json:"topics"`
	ProtocolVersion     int                 `json:"protocolVersion"`
	Fields              map[string][]string `json:"fields"` // JSON field names, by Go struct
}

// constants returns, file by file, the string constants of package core declared with the named type (or,
// typeName "", every untyped string constant whose name starts with prefix). It reads the declarations with
// Go's own parser, so that a constant added to core is in the manifest without being listed anywhere else.
func constants(t *testing.T, typeName, prefix string) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	out := map[string][]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_easyjson.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				typ, _ := vs.Type.(*ast.Ident)
				if (typ == nil) != (typeName == "") || (typ != nil && typ.Name != typeName) {
					continue
				}
				for i, id := range vs.Names {
					lit, ok := valueAt(vs, i).(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING || !strings.HasPrefix(id.Name, prefix) {
						continue
					}
					v, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					out[name] = append(out[name], v)
				}
			}
		}
	}
	return out
}

func valueAt(vs *ast.ValueSpec, i int) ast.Expr {
	if i < len(vs.Values) {
		return vs.Values[i]
	}
	return nil
}

func all(byFile map[string][]string) []string {
	var out []string
	for _, vs := range byFile {
		out = append(out, vs...)
	}
	slices.Sort(out)
	return out
}

// jsonFields returns the JSON names of a struct's fields, in declaration order.
func jsonFields(v any) []string {
	var out []string
	typ := reflect.TypeOf(v)
	for i := 0; i < typ.NumField(); i++ {
		if name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

func buildManifest(t *testing.T) typesManifest {
	m := typesManifest{
		Causes:            all(constants(t, "Cause", "")),
		DiagnosticReasons: constants(t, "Reason", "")["diagnostics.go"],
		ButtonReasons:     constants(t, "Reason", "")["buttons.go"],
		ConnectionStates:  all(constants(t, "ConnectionState", "")),
		ConnectionTypes:   all(constants(t, "ConnectionType", "")),
		Topics:            all(constants(t, "", "Topic")),
		LoadErrorType:     core.ErrorTypeLoadFailed,
		HelloErrorTypes:   []string{core.ErrorTypeSoftphoneFailed, core.ErrorTypeVersionMismatch},
		ProtocolVersion:   core.ProtocolVersion,
		Fields: map[string][]string{
			"Envelope": jsonFields(core.Envelope{}), "Message": jsonFields(core.Message{}), "CallEvent": jsonFields(core.CallEvent{}),
			"ResponseActual": jsonFields(core.ResponseActual{}), "CallVariables": jsonFields(core.CallVariables{}),
			"ResponseFields": jsonFields(core.ResponseFields{}), "Participant": jsonFields(core.Participant{}),
			"MediaProperties": jsonFields(core.MediaProperties{}), "WireError": jsonFields(core.WireError{}),
			"AgentStateMessage": jsonFields(core.AgentStateMessage{}), "RequestArgs": jsonFields(core.RequestArgs{}),
			"Diagnostic": jsonFields(core.Diagnostic{}),
		},
	}
	slices.Sort(m.DiagnosticReasons)
	slices.Sort(m.ButtonReasons)
	for b := core.Button(0); b < core.ButtonCount; b++ {
		m.ButtonNames = append(m.ButtonNames, b.String())
	}
	for _, s := range []core.ButtonState{core.Hide, core.Disable, core.Enable} {
		m.ButtonStates = append(m.ButtonStates, s.String())
	}
	for _, c := range core.Controls() {
		m.ControlMethods = append(m.ControlMethods, c.Method)
		m.ControlSubtopics = append(m.ControlSubtopics, c.Subtopic)
		m.ControlErrorTypes = append(m.ControlErrorTypes, c.ErrorType)
	}
	// The vendor's requests' too (an unknown agent state's among them); setAgentState's is UpdateState's.
	m.ErrorTypes = slices.Clone(m.ControlErrorTypes)
	for _, r := range core.Requests() {
		m.ErrorTypes = append(m.ErrorTypes, core.VendorControl("", r).ErrorType)
	}
	m.ErrorTypes = append(m.ErrorTypes, core.ErrKindAgentStateNotFound.Type, core.SetAgentStateControl().ErrorType)
	m.ErrorTypes = slices.Compact(sortedAfter(m.ErrorTypes, len(m.ControlErrorTypes)))
	m.BridgeErrorTypes = append(slices.Clone(m.ErrorTypes), core.ErrorTypeInternal)
	for _, c := range core.LoadCauses() {
		m.LoadErrorReasons = append(m.LoadErrorReasons, string(c))
	}
	for _, typ := range all(constants(t, "AgentStateType", "")) {
		m.AgentStateTypeLabel = append(m.AgentStateTypeLabel, core.AgentStateOf(core.Agent{Type: core.AgentStateType(typ)}).Type)
	}
	slices.Sort(m.AgentStateTypeLabel)
	m.AgentStateTypeLabel = slices.Compact(m.AgentStateTypeLabel)
	return m
}

// TestTypesManifest writes what Go produces (go test -update) to testdata/types-manifest.json and fails when the
// committed manifest is stale: a Cause, Reason, control, error type or wire field added in Go must reach the
// manifest, and through it web/ctibridge.d.ts (web/test/e2e/types.test.mjs).
func TestTypesManifest(t *testing.T) {
	got, err := json.MarshalIndent(buildManifest(t), "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	if *update {
		require.NoError(t, os.WriteFile(manifestPath, got, 0o644))
	}
	want, err := os.ReadFile(manifestPath)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "run go test ./core -run TestTypesManifest -update, then update web/ctibridge.d.ts")
}

// sortedAfter sorts s[from:] in place, drops from it what s[:from] already has, and returns s.
func sortedAfter(s []string, from int) []string {
	rest := slices.DeleteFunc(slices.Clone(s[from:]), func(x string) bool { return slices.Contains(s[:from], x) })
	slices.Sort(rest)
	return append(s[:from], rest...)
}
