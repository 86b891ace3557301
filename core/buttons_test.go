package core_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
)

var update = flag.Bool("update", false, "rewrite testdata/buttonstates.json's table in web/docs/buttonstates.md, and testdata/types-manifest.json")

// vector is one row of the ButtonStates table: a contact's legs, the leg an event reports, and every button's
// state and reason in that event. testdata/buttonstates.json holds one per row of web/docs/buttonstates.md.
type vector struct {
	Row         string            `json:"row"`
	Description string            `json:"description"`
	Legs        []string          `json:"legs"` // "type:state", in Streams' order; the subject is marked with a leading '*'
	Want        map[string]string `json:"want"` // button → "State REASON"
}

func loadVectors(t *testing.T) []vector { return loadTable[vector](t, "testdata/buttonstates.json") }

// loadTable reads a table of test vectors (a JSON array), which must not be empty.
func loadTable[V any](t *testing.T, path string) []V {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var vs []V
	require.NoError(t, json.Unmarshal(b, &vs))
	require.NotEmpty(t, vs, path)
	return vs
}

func (v vector) contact(t *testing.T) ([]core.Connection, int) {
	t.Helper()
	subject := -1
	var conns []core.Connection
	for i, leg := range v.Legs {
		if strings.HasPrefix(leg, "*") {
			subject, leg = i, leg[1:]
		}
		typ, state, ok := strings.Cut(leg, ":")
		require.True(t, ok, "leg %q", leg)
		conns = append(conns, core.Connection{ID: fmt.Sprint(i), Type: core.ConnectionType(typ), State: core.ConnectionState(state)})
	}
	require.GreaterOrEqual(t, subject, 0, "row %s marks no subject", v.Row)
	return conns, subject
}

// TestButtonStatesTable checks every row of the table against Decide, state and reason of all 11 buttons.
func TestButtonStatesTable(t *testing.T) {
	vs := loadVectors(t)
	require.NotEmpty(t, vs)
	for _, v := range vs {
		t.Run(v.Row, func(t *testing.T) {
			conns, subject := v.contact(t)
			d := core.Decide(conns, subject)
			got := map[string]string{}
			for b := core.Button(0); b < core.ButtonCount; b++ {
				got[b.String()] = d.States[b].String() + " " + string(d.Reasons[b])
			}
			assert.Equal(t, v.Want, got, v.Description)
		})
	}
}

// TestButtonStatesDocIsTheTable checks that web/docs/buttonstates.md shows exactly the vectors (go test -update
// rewrites it), so that the documented table is the tested one.
func TestButtonStatesDocIsTheTable(t *testing.T) {
	const path = "../web/docs/buttonstates.md"
	var rows strings.Builder
	rows.WriteString("| row | legs (subject in bold) | what it is |")
	for b := core.Button(0); b < core.ButtonCount; b++ {
		rows.WriteString(" " + b.String() + " |")
	}
	rows.WriteString("\n|---|---|---|" + strings.Repeat("---|", int(core.ButtonCount)) + "\n")
	for _, v := range loadVectors(t) {
		legs := make([]string, len(v.Legs))
		for i, l := range v.Legs {
			if strings.HasPrefix(l, "*") {
				l = "**" + l[1:] + "**"
			}
			legs[i] = l
		}
		fmt.Fprintf(&rows, "| %s | %s | %s |", v.Row, strings.Join(legs, ", "), v.Description)
		for b := core.Button(0); b < core.ButtonCount; b++ {
			rows.WriteString(" " + tableCell(v.Want[b.String()]) + " |")
		}
		rows.WriteString("\n")
	}
	checkGeneratedTable(t, path, "core/testdata/buttonstates.json", rows.String(), "DocIsTheTable")
}

// tableCell shows one vector's "<state> <reason>" as a docs table cell: Enable in bold, Hide as a dot, the reason
// beside the others.
func tableCell(want string) string {
	state, reason, _ := strings.Cut(want, " ")
	cell := map[string]string{"Enable": "**Enable**", "Disable": "Disable", "Hide": "·"}[state]
	if state != "Hide" {
		cell += " `" + reason + "`"
	}
	return cell
}

// checkGeneratedTable checks that the doc at path holds rows between the markers that name the vectors file (go
// test -update rewrites them), so that a documented table is the tested one.
func checkGeneratedTable(t *testing.T, path, vectors, rows, testName string) {
	t.Helper()
	doc, err := os.ReadFile(path)
	require.NoError(t, err)
	begin, end := "<!-- table: generated from "+vectors+" -->\n", "<!-- end of table -->"
	before, rest, ok := strings.Cut(string(doc), begin)
	require.True(t, ok, "%s has no table marker", path)
	_, after, ok := strings.Cut(rest, end)
	require.True(t, ok, "%s has no end marker", path)
	want := before + begin + rows + end + after
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
	}
	assert.Equal(t, want, string(doc), "%s differs from the vectors: go test ./core -run %s -update", path, testName)
}

// TestEveryRuleHasARow checks that the vectors reach every reason Decide can give, so no rule is undocumented.
func TestEveryRuleHasARow(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range loadVectors(t) {
		for _, w := range v.Want {
			_, reason, _ := strings.Cut(w, " ")
			seen[reason] = true
		}
	}
	for _, r := range []core.Reason{core.ReasonAgentRinging, core.ReasonAgentConnected, core.ReasonAfterCall, core.ReasonPartyConnected,
		core.ReasonPartyOnHold, core.ReasonPartyDialling, core.ReasonTwoParties, core.ReasonConnectionConnecting,
		core.ReasonConnectionDisconnected, core.ReasonConnectionOnHold, core.ReasonNotOnHold, core.ReasonAlreadyAnswered,
		core.ReasonAgentNotConnected, core.ReasonConsultInProgress, core.ReasonNoSecondParty, core.ReasonNothingOnHold,
		core.ReasonThirdPartyDialling, core.ReasonNoPartyTalking, core.ReasonCallActive, core.ReasonPartyLeg, core.ReasonAgentLeg, core.ReasonUnsupportedState} {
		assert.True(t, seen[string(r)], "no row shows %s", r)
	}
}

// TestAggregateMatchesEveryLeg: the call bar is at least what each leg's own ButtonStates say.
func TestAggregateMatchesEveryLeg(t *testing.T) {
	conns := []core.Connection{{ID: "a", Type: core.ConnAgent, State: core.ConnConnected}, {ID: "c", Type: core.ConnInbound, State: core.ConnHold},
		{ID: "t", Type: core.ConnOutbound, State: core.ConnConnected}}
	bar := core.Aggregate(conns)
	for i := range conns {
		d := core.Decide(conns, i)
		for b := core.Button(0); b < core.ButtonCount; b++ {
			assert.GreaterOrEqual(t, bar.States[b], d.States[b], "%s on leg %d", b, i)
		}
	}
	assert.Equal(t, core.Enable, bar.States[core.Swap])
	assert.Equal(t, core.Disable, bar.States[core.Consult])
}
