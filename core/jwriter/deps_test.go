//go:build !js

package jwriter_test

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// module is the command the pages load.
const module = "github.com/ctibridge/ctibridge/wasm/cmd/ctibridge"

// TestModuleLinksNoNet checks the reason this package exists: the WebAssembly module imports neither net nor
// net/http, whose initialisation and what it reaches cost 35 KB brotli (net) and 366 KB (net/http). It asks go
// list for the module's dependencies under GOOS=js GOARCH=wasm, and names the chain of imports that brings a
// forbidden package in.
func TestModuleLinksNoNet(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		t.Fatalf("go list: %v\n%s", err, exitErr.Stderr)
	}
	require.NoError(t, err)

	imports := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		imports[fields[0]] = fields[1:]
	}
	require.Contains(t, imports, module, "go list lists the module itself")
	require.Contains(t, imports, "syscall/js", "go list ran for GOOS=js GOARCH=wasm")
	for _, forbidden := range []string{"net", "net/http"} {
		if chain := importChain(imports, module, forbidden); chain != nil {
			assert.Failf(t, "the module links "+forbidden,
				"%s brings it in: %s", chain[len(chain)-2], strings.Join(chain, " → "))
		}
	}
}

// importChain returns a shortest chain of imports from the package from to the package to, or nil if from does
// not import to, directly or not.
func importChain(imports map[string][]string, from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		pkg := queue[0]
		queue = queue[1:]
		if pkg == to {
			var chain []string
			for ; pkg != ""; pkg = prev[pkg] {
				chain = append([]string{pkg}, chain...)
			}
			return chain
		}
		for _, next := range imports[pkg] {
			if _, seen := prev[next]; !seen {
				prev[next] = pkg
				queue = append(queue, next)
			}
		}
	}
	return nil
}
