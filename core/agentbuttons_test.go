package core_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
)

// agentVector is one row of the agent ButtonStates table: what DecideAgent reads, and every button's state and
// reason. testdata/agentbuttons.json holds one per row of web/docs/agentbuttons.md; Sample names the vendor
// sample that shows the row, if one does.
type agentVector struct {
	Row         string            `json:"row"`
	Description string            `json:"description"`
	Login       core.LoginState   `json:"login"`
	State       string            `json:"state"`
	Muted       bool              `json:"muted"`
	Call        string            `json:"call"`
	Sample      string            `json:"sample"`
	Want        map[string]string `json:"want"` // button → "State REASON"
}

func loadAgentVectors(t *testing.T) []agentVector {
	return loadTable[agentVector](t, "testdata/agentbuttons.json")
}

func (v agentVector) call(t *testing.T) core.AgentCall {
	t.Helper()
	for c := core.NoCall; c <= core.CallEnded; c++ {
		if c.String() == v.Call {
			return c
		}
	}
	t.Fatalf("row %s: unknown call %q", v.Row, v.Call)
	return 0
}

// TestAgentButtonStatesTable checks every row against DecideAgent, state and reason of all five buttons.
func TestAgentButtonStatesTable(t *testing.T) {
	for _, v := range loadAgentVectors(t) {
		t.Run(v.Row, func(t *testing.T) {
			d := core.DecideAgent(v.Login, core.AgentStateType(v.State), v.Muted, v.call(t))
			got := map[string]string{}
			for b := core.AgentButton(0); b < core.AgentButtonCount; b++ {
				got[b.String()] = d.States[b].String() + " " + string(d.Reasons[b])
			}
			assert.Equal(t, v.Want, got, v.Description)
		})
	}
}

// TestAgentButtonSamplesAreRows: each vendor sample that carries agent ButtonStates is a row of the table: the
// buttons it names have the row's states, and its state has the row's type.
func TestAgentButtonSamplesAreRows(t *testing.T) {
	samples := map[string]bool{}
	for _, v := range loadAgentVectors(t) {
		if v.Sample == "" {
			continue
		}
		samples[v.Sample] = true
		var env struct {
			Message struct {
				Rules struct {
					ButtonStates struct {
						Items map[string]string `json:"items"`
					} `json:"ButtonStates"`
					ResponseActual struct {
						Type string `json:"type"`
					} `json:"ResponseActual"`
				} `json:"rules"`
			} `json:"message"`
		}
		require.NoError(t, json.Unmarshal(sample(t, v.Sample), &env), v.Sample)
		items := env.Message.Rules.ButtonStates.Items
		require.NotEmpty(t, items, v.Sample)
		for name, state := range items {
			got, _, _ := strings.Cut(v.Want[name], " ")
			assert.Equal(t, state, got, "%s: %s (row %s)", v.Sample, name, v.Row)
		}
		assert.Equal(t, v.State, env.Message.Rules.ResponseActual.Type, v.Sample)
	}
	// Every sample with agent ButtonStates is claimed by a row.
	files, err := filepath.Glob("testdata/vendor-samples/*.json")
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		if strings.Contains(string(b), `"NotReady"`) || strings.Contains(string(b), `"unmute"`) {
			assert.True(t, samples[filepath.Base(f)], "%s is no row of testdata/agentbuttons.json", f)
		}
	}
}

// TestAgentButtonStatesDocIsTheTable checks that web/docs/agentbuttons.md shows exactly the vectors (go test
// -update rewrites it).
func TestAgentButtonStatesDocIsTheTable(t *testing.T) {
	const path = "../web/docs/agentbuttons.md"
	var rows strings.Builder
	rows.WriteString("| row | login | state type | muted | call | what it is |")
	for b := core.AgentButton(0); b < core.AgentButtonCount; b++ {
		rows.WriteString(" " + b.String() + " |")
	}
	rows.WriteString("\n|---|---|---|---|---|---|" + strings.Repeat("---|", int(core.AgentButtonCount)) + "\n")
	for _, v := range loadAgentVectors(t) {
		state := "`" + v.State + "`"
		if v.State == "" {
			state = "(none)"
		}
		fmt.Fprintf(&rows, "| %s | `%s` | %s | %v | %s | %s |", v.Row, v.Login, state, map[bool]string{true: "yes", false: "no"}[v.Muted], v.Call, v.Description)
		for b := core.AgentButton(0); b < core.AgentButtonCount; b++ {
			rows.WriteString(" " + tableCell(v.Want[b.String()]) + " |")
		}
		rows.WriteString("\n")
	}
	checkGeneratedTable(t, path, "core/testdata/agentbuttons.json", rows.String(), "AgentButtonStatesDoc")
}

// TestEveryAgentRuleHasARow checks that the vectors reach every reason DecideAgent can give.
func TestEveryAgentRuleHasARow(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range loadAgentVectors(t) {
		for _, w := range v.Want {
			_, reason, _ := strings.Cut(w, " ")
			seen[reason] = true
		}
	}
	for _, r := range []core.Reason{core.ReasonNotLoggedIn, core.ReasonMuted, core.ReasonNotMuted, core.ReasonRoutable,
		core.ReasonNotRoutable, core.ReasonOffline, core.ReasonSystemState, core.ReasonStatePending, core.ReasonOnCall,
		core.ReasonAfterCall, core.ReasonNoContact} {
		assert.True(t, seen[string(r)], "no row shows %s", r)
	}
}

// TestAgentCallOf: the agent buttons see the call through the agent's own leg.
func TestAgentCallOf(t *testing.T) {
	leg := func(s core.ConnectionState) *core.Contact {
		return &core.Contact{ID: "k", Connections: []core.Connection{{ID: "a", Type: core.ConnAgent, State: s},
			{ID: "c", Type: core.ConnInbound, State: core.ConnConnected}}}
	}
	assert.Equal(t, core.NoCall, core.AgentCallOf(nil))
	assert.Equal(t, core.CallRinging, core.AgentCallOf(leg(core.ConnConnecting)))
	assert.Equal(t, core.CallLive, core.AgentCallOf(leg(core.ConnConnected)))
	assert.Equal(t, core.CallLive, core.AgentCallOf(leg(core.ConnHold)))
	assert.Equal(t, core.CallEnded, core.AgentCallOf(leg(core.ConnDisconnected)))
	assert.Equal(t, core.CallLive, core.AgentCallOf(&core.Contact{ID: "k"}), "a contact with no agent leg yet is a call")
}

func TestDecideAgentAllocatesNothing(t *testing.T) {
	var d core.AgentDecision
	allocs := testing.AllocsPerRun(200, func() { d = core.DecideAgent(core.LoggedIn, core.AgentTypeNotRoutable, true, core.NoCall) })
	assert.Zero(t, allocs)
	assert.Equal(t, core.Enable, d.States[core.ReadyButton])
}
