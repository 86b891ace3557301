//go:build js && wasm

package wasm

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ctibridge/ctibridge/core"
)

// agentConnectJS is a connect with the agent calls of the vendor's requests: connect, mute, unmute, setState
// among getAgentStates and addConnection of an endpoint object. Every call is recorded with its
// arguments; a call with callbacks succeeds on the next tick, or fails with failMessage. live counts the
// callback objects not yet called, so that a test sees them all end.
const agentConnectJS = `
const fake = { calls: [], failMessage: null };
const answer = (cbs) => setTimeout(() => {
  const m = fake.failMessage; fake.failMessage = null;
  m ? cbs.failure(JSON.stringify({ type: "AccessDeniedException", message: m }), null) : cbs.success({});
}, 0);
fake.Agent = function () {
  this.connect = (ep, cbs) => { fake.calls.push({ method: "connect", ep }); answer(cbs); };
  this.mute = () => fake.calls.push({ method: "mute" });
  this.unmute = () => fake.calls.push({ method: "unmute" });
  this.getAgentStates = () => [{ name: "Available", type: "routable" }, { name: "Lunch", type: "not_routable" }];
  this.setState = (st, cbs) => { fake.calls.push({ method: "setState", ep: st }); answer(cbs); };
};
fake.Contact = function (id) {
  this.addConnection = (ep, cbs) => { fake.calls.push({ method: "addConnection", contact: id, ep }); answer(cbs); };
};
fake.Endpoint = { byPhoneNumber: (n) => ({ type: "phone_number", phoneNumber: n }) };
return fake;`

func TestStreamsAdapterVendorActions(t *testing.T) {
	p := newPage(t)
	fake := p.eval(agentConnectJS)
	s := &streamsAdapter{rt: p.rt, connect: fake, panicked: func(v any) { t.Errorf("panic: %v", v) }}
	do := func(a core.Action) error {
		done := make(chan error, 1)
		s.Do(a, func(err error) { done <- err })
		return next(t, done, string(a.Kind))
	}
	qc := &core.Endpoint{ARN: "arn:qc/1", Type: "queue", Name: "Sales"}
	require.NoError(t, do(core.Action{Kind: core.ActConnect, PhoneNumber: "+15555550100"}))
	require.NoError(t, do(core.Action{Kind: core.ActConnect, Endpoint: qc}))
	require.NoError(t, do(core.Action{Kind: core.ActAddConnection, ContactID: "c-1", Endpoint: qc}))
	require.NoError(t, do(core.Action{Kind: core.ActMute}))
	require.NoError(t, do(core.Action{Kind: core.ActUnmute}))
	require.NoError(t, do(core.Action{Kind: core.ActSetAgentState, AgentState: "Lunch"}))

	err := do(core.Action{Kind: core.ActSetAgentState, AgentState: "Dinner"})
	require.ErrorIs(t, err, core.ErrAgentStateNotFound)
	_, jsErr := p.eval(`return (fake) => { fake.failMessage = "Agent is on a call"; };`).Invoke(fake)
	require.NoError(t, jsErr)
	err = do(core.Action{Kind: core.ActConnect, PhoneNumber: "+15555550100"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Agent is on a call")

	text, jsErr := p.rt.json.Call("stringify", mustGet(t, fake, "calls"))
	require.NoError(t, jsErr)
	str, _ := text.String()
	var calls []map[string]any
	require.NoError(t, json.Unmarshal([]byte(str), &calls))
	queue := map[string]any{"endpointARN": "arn:qc/1", "type": "queue", "name": "Sales"}
	assert.Equal(t, []map[string]any{
		{"method": "connect", "ep": map[string]any{"type": "phone_number", "phoneNumber": "+15555550100"}},
		{"method": "connect", "ep": queue},
		{"method": "addConnection", "contact": "c-1", "ep": queue},
		{"method": "mute"},
		{"method": "unmute"},
		{"method": "setState", "ep": map[string]any{"name": "Lunch", "type": "not_routable"}},
		{"method": "connect", "ep": map[string]any{"type": "phone_number", "phoneNumber": "+15555550100"}},
	}, calls)
}
