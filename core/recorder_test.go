package core_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
)

func TestRecorderKeepsTheLastEntriesMasked(t *testing.T) {
	r := core.NewRecorder(3)
	for i := 0; i < 5; i++ {
		r.Envelope(int64(i)*1000, "in", []byte(fmt.Sprintf(`{"n":%d,"ANI":"+161081111"}`, i)))
	}
	var got struct {
		Entries []struct {
			At   string          `json:"at"`
			Kind string          `json:"kind"`
			Data json.RawMessage `json:"data"`
		} `json:"entries"`
		Size int `json:"size"`
	}
	require.NoError(t, json.Unmarshal(r.Export(), &got))
	require.Len(t, got.Entries, 3)
	assert.Equal(t, "1970-01-01T00:00:02.000Z", got.Entries[0].At, "oldest kept first")
	assert.JSONEq(t, `{"n":4,"ANI":"+*******11"}`, string(got.Entries[2].Data), "phone numbers masked")
}

func TestRecorderCallBarOnlyOnChange(t *testing.T) {
	r := core.NewRecorder(10)
	ringing := []core.Connection{{Type: core.ConnAgent, State: core.ConnConnecting}, {Type: core.ConnInbound, State: core.ConnConnected}}
	r.CallBar(1, core.Aggregate(ringing))
	r.CallBar(2, core.Aggregate(ringing))
	ringing[0].State = core.ConnConnected
	r.CallBar(3, core.Aggregate(ringing))
	var got struct{ Size int }
	require.NoError(t, json.Unmarshal(r.Export(), &got))
	assert.Equal(t, 2, got.Size)
}

func TestRecorderExportStaysJSONWithMalformedInput(t *testing.T) {
	r := core.NewRecorder(5)
	r.Envelope(1, "in", []byte(`{oops +161081111`))
	var got struct{ Entries []struct{ Data string } }
	require.NoError(t, json.Unmarshal(r.Export(), &got))
	assert.Equal(t, `{oops +*******11`, got.Entries[0].Data)
}

func TestRecorderIsBoundedInBytes(t *testing.T) {
	r := core.NewRecorder(1000)
	big := []byte(`{"pad":"` + strings.Repeat("x", 4000) + `"}`)
	for i := 0; i < 100; i++ {
		r.Envelope(int64(i), "in", big)
	}
	var got struct {
		Entries []struct{ At string }
		Size    int
	}
	require.NoError(t, json.Unmarshal(r.Export(), &got))
	assert.LessOrEqual(t, got.Size*len(big), core.RecorderBytes)
	assert.Greater(t, got.Size, 5)
	assert.Equal(t, core.FormatTimestamp(99), got.Entries[len(got.Entries)-1].At, "the newest kept, last")
}

// TestRecorderSteadyStreamAllocatesNothing: once full, a recorder reuses the buffers of the entries it forgets,
// so that recording every event of a long call costs no garbage.
func TestRecorderSteadyStreamAllocatesNothing(t *testing.T) {
	r := core.NewRecorder(core.RecorderSize)
	envelope := []byte(strings.Repeat("x", 1354))
	for i := 0; i < 2*core.RecorderSize; i++ {
		r.Envelope(int64(i), "in", envelope)
	}
	allocs := testing.AllocsPerRun(500, func() { r.Envelope(1, "in", envelope) })
	assert.Zero(t, allocs, "allocations per recorded envelope")
}
