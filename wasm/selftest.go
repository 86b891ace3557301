//go:build js && wasm

package wasm

import (
	"time"

	"github.com/hack-pad/safejs"

	"github.com/ctibridge/ctibridge/core/jwriter"
)

// selfTestWait bounds how long selfTest waits for a softphone that has not reported yet.
const selfTestWait = 3 * time.Second

// selfTest implements bridge.selfTest(): a Promise of {ok, checks: [{name, ok, detail}]} telling a developer
// what blocks the bridge on this page. WebAssembly itself is checked by the loader (a page whose CSP forbids
// it never gets a bridge: load() rejects naming 'wasm-unsafe-eval'); this checks the softphone frame and
// Streams behind it.
func (b *crmBridge) selfTest(safejs.Value, []safejs.Value) any {
	p, err := b.rt.newPromise(func() (any, error) {
		// Wait until the softphone has said either how Streams is (an agent) or why it could not start.
		deadline := time.Now().Add(selfTestWait)
		for b.core.Agent() == nil && b.core.PeerFailure() == "" && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		var checks []check
		checks = append(checks, check{"webassembly", true, "the ctibridge module is running"})
		failure := b.core.PeerFailure()
		switch {
		case failure != "":
			checks = append(checks, check{"softphone", false, "the softphone at " + b.origin + " could not start: " + failure})
		case !b.core.Connected():
			checks = append(checks, check{"softphone", false, "the softphone at " + b.origin + " never answered within 3 s: " +
				"check the iframe's URL, this page's Content-Security-Policy frame-src, the softphone page's frame-ancestors, " +
				"and that the softphone's crmOrigins lists this page's origin"})
		default:
			checks = append(checks, check{"softphone", true, "the softphone at " + b.origin + " answers"})
		}
		if b.core.Agent() != nil {
			checks = append(checks, check{"streams", true, "Amazon Connect reports the agent as " + b.core.Agent().Label})
		} else if failure == "" && b.core.Connected() {
			checks = append(checks, check{"streams", false, "the softphone has no agent from Amazon Connect yet: check its ccpUrl, " +
				"the instance's Approved origins (the softphone page's origin), and that the agent is logged in to the CCP"})
		}
		return b.rt.parseJSON(encodeChecks(checks))
	}, b.panicked)
	if err != nil {
		return nil
	}
	return p
}

type check struct {
	name   string
	ok     bool
	detail string
}

func encodeChecks(checks []check) []byte {
	ok := true
	for _, c := range checks {
		ok = ok && c.ok
	}
	var w jwriter.Writer
	w.RawString(`{"ok":`)
	w.Bool(ok)
	w.RawString(`,"checks":[`)
	for i, c := range checks {
		if i > 0 {
			w.RawByte(',')
		}
		w.RawString(`{"name":`)
		w.String(c.name)
		w.RawString(`,"ok":`)
		w.Bool(c.ok)
		w.RawString(`,"detail":`)
		w.String(c.detail)
		w.RawByte('}')
	}
	w.RawString(`]}`)
	return w.Buffer.BuildBytes()
}
