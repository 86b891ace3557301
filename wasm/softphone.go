//go:build js && wasm

package wasm

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/hack-pad/safejs"

	"github.com/ctibridge/ctibridge/core"
)

// ErrStorageBlocked is why load() rejects when the softphone frame may not use localStorage, which Streams'
// initCCP needs: the frame is cross-site and the browser blocks third-party storage.
var ErrStorageBlocked = errors.New("localStorage is blocked in the softphone frame (third-party storage is off for a cross-site iframe), " +
	"and Amazon Connect Streams' initCCP needs it: serve the softphone page from the CRM's own site (a subdomain of it), " +
	"or allow third-party storage for the softphone's site; see the troubleshooting guide (docs/troubleshooting.md)")

// errStreamsStart wraps any failure of initCCP itself.
var errStreamsStart = errors.New("Amazon Connect Streams' initCCP failed")

// softphoneBridge is the softphone role: the object load({role: "softphone"}) resolves with.
type softphoneBridge struct {
	rt         *jsRuntime
	core       *core.Softphone
	win        safejs.Value // the window the softphone lives in
	parent     safejs.Value // the CRM's window
	crmOrigins core.Origins
	gate       *core.Gate
	targets    []string // the origins posts name: the parent's, when the browser tells it, else every allowed one
	debug      debugMode
	streams    *streamsAdapter
	funcs      funcs
	channel    *channel
	recorder   *core.Recorder
	admitted   func(data []byte) // received, made once: a method value made per message would allocate
	closeOnce  sync.Once
}

// newSoftphone reads the options of load({role: "softphone", ...}), starts Streams (or attaches to it) and
// returns the bridge's JavaScript object.
func newSoftphone(rt *jsRuntime, opts safejs.Value) (safejs.Value, error) {
	b := &softphoneBridge{rt: rt, recorder: core.NewRecorder(core.RecorderSize)}
	b.admitted = b.received
	var err error
	if b.win, err = optWindow(rt, opts, "window"); err != nil {
		return safejs.Value{}, err
	}
	if b.parent, err = b.win.Get("parent"); err != nil {
		return safejs.Value{}, err
	}
	origins, err := optStrings(rt, opts, "crmOrigins", "origins")
	if err != nil {
		return safejs.Value{}, err
	}
	if b.crmOrigins, err = core.ParseOrigins(origins); err != nil {
		return safejs.Value{}, fmt.Errorf("crmOrigins: %w", err)
	}
	b.targets = b.postTargets()
	names, err := optStringList(rt, opts, "contactAttributes", "attribute names")
	if err != nil {
		return safejs.Value{}, err
	}
	attributes, err := core.NewAttributeAllowlist(names)
	if err != nil {
		return safejs.Value{}, err
	}
	if b.debug, err = optDebug(rt, opts); err != nil {
		return safejs.Value{}, err
	}
	connect, err := streamsGlobal(rt, opts)
	if err != nil {
		return safejs.Value{}, err
	}
	initCCP := true
	if v, err := rt.getGuarded(opts, "initCCP"); err == nil && v.Type() == safejs.TypeBoolean {
		initCCP, _ = v.Bool()
	}
	ccpURL, hasCCP, err := optString(rt, opts, "ccpUrl")
	if err != nil {
		return safejs.Value{}, err
	}
	var ccpOrigin string // Streams' own traffic comes from here and is not ours to judge
	if hasCCP {
		if strings.Contains(ccpURL, "%") {
			// Streams logs ccpUrl as a sprintf format string: a percent escape makes initCCP throw.
			return safejs.Value{}, fmt.Errorf("ccpUrl %q must not contain percent escapes: Amazon Connect Streams' initCCP fails on them", ccpURL)
		}
		if ccpOrigin, _, err = core.OriginOf(ccpURL); err != nil {
			return safejs.Value{}, fmt.Errorf("ccpUrl %q is not an absolute http(s) URL: %w", ccpURL, err)
		}
	} else if initCCP {
		return safejs.Value{}, errors.New("ccpUrl is required: your instance's https://<instance>.my.connect.aws/ccp-v2/ or the CCP emulator's URL")
	}
	b.gate = core.SoftphoneGate(b.crmOrigins, ccpOrigin)
	if b.channel, err = rt.fast.newChannel(b.parent, safejs.Undefined(), b.targets); err != nil {
		return safejs.Value{}, err
	}
	session, err := sessionOptions(rt, opts, ccpURL)
	if err != nil {
		return safejs.Value{}, err
	}
	b.streams = &streamsAdapter{rt: rt, connect: connect, panicked: b.panicked}
	b.core = core.NewSoftphone(newEpoch(), b.streams, b.post, core.WithContactAttributes(attributes))
	b.core.SetSession(session)
	if err := b.channel.serve(b, b.win); err != nil {
		return safejs.Value{}, err
	}
	if initCCP {
		if err := b.startStreams(opts, ccpURL); err != nil {
			// load() rejects, but the listener stays for the page's lifetime to tell every CRM Hello why
			// nothing works (core.Softphone.Fail): a CRM's selfTest then names the cause.
			b.core.Fail(err.Error())
			return safejs.Value{}, err
		}
	}
	if err := b.streams.subscribe(b.channel, attributes.SnapshotKeys()); err != nil {
		b.channel.close()
		return safejs.Value{}, fmt.Errorf("subscribing to Streams: %w", err)
	}
	return b.object()
}

// sessionOptions reads where the agent signs in and out: Streams' loginUrl (in the streams option) and logoutUrl.
func sessionOptions(rt *jsRuntime, opts safejs.Value, ccpURL string) (core.Session, error) {
	logoutURL, _, err := optString(rt, opts, "logoutUrl")
	if err != nil {
		return core.Session{}, err
	}
	loginURL := ""
	if extra, err := rt.getGuarded(opts, "streams"); err == nil && extra.Type() == safejs.TypeObject {
		if loginURL, _, err = optString(rt, extra, "loginUrl"); err != nil {
			return core.Session{}, fmt.Errorf("streams: %w", err)
		}
	}
	return core.NewSession(ccpURL, loginURL, logoutURL)
}

// startStreams checks that the frame may use storage, then calls connect.core.initCCP(container, params).
func (b *softphoneBridge) startStreams(opts safejs.Value, ccpURL string) error {
	if _, err := b.rt.getGuarded(b.win, "localStorage"); err != nil {
		return ErrStorageBlocked
	}
	container, err := b.rt.getGuarded(opts, "container")
	if err != nil || container.Type() != safejs.TypeObject || container.IsNull() {
		return errors.New("container is required: the element where initCCP puts the CCP iframe")
	}
	params, err := b.rt.object.New()
	if err != nil {
		return err
	}
	_ = params.Set("loginPopup", false)
	if extra, err := b.rt.getGuarded(opts, "streams"); err == nil && extra.Type() == safejs.TypeObject {
		if _, err := b.rt.object.Call("assign", params, extra); err != nil {
			return fmt.Errorf("streams options: %w", err)
		}
	}
	_ = params.Set("ccpUrl", ccpURL) // last: the checked ccpUrl option wins over a streams.ccpUrl
	if err := b.streams.initCCP(container, params); err != nil {
		if b.storageError(err) {
			return ErrStorageBlocked
		}
		return fmt.Errorf("%w: %w", errStreamsStart, err)
	}
	return nil
}

// storageError reports whether initCCP failed on storage even though the early check passed (browsers differ).
func (b *softphoneBridge) storageError(err error) bool {
	_, probe := b.rt.getGuarded(b.win, "localStorage")
	return probe != nil || strings.Contains(strings.ToLower(err.Error()), "localstorage")
}

// postTargets returns the exact origins this softphone posts to (core.Origins.PostTargets), given the parent's
// origin as the browser reports it (location.ancestorOrigins), if it does.
func (b *softphoneBridge) postTargets() []string {
	parent, reported := "", false
	if ao, err := b.win.Get("location"); err == nil {
		if list, err := ao.Get("ancestorOrigins"); err == nil && list.Type() == safejs.TypeObject {
			if first, err := list.Call("item", 0); err == nil && first.Type() == safejs.TypeString {
				parent, _ = first.String()
				reported = true
			}
		}
	}
	targets, err := b.crmOrigins.PostTargets(parent, reported)
	if err != nil {
		b.rt.warn("ctibridge softphone: " + err.Error())
	}
	return targets
}

// post sends one envelope to the CRM window.
func (b *softphoneBridge) post(envelope []byte) error {
	b.recorder.Envelope(now(), "out", envelope)
	b.rt.debug(b.debug, "ctibridge softphone →", envelope)
	if b.parent.Equal(b.win) {
		return nil // not framed: there is no CRM to tell
	}
	b.channel.post(envelope)
	return nil // the parent window outlives its frames
}

// snapshot hands one Streams snapshot (JSON) to core.
func (b *softphoneBridge) snapshot(data []byte, ok bool) {
	if !ok {
		b.deliver(b.core.Reject(core.ReasonTooLarge, "", "Streams snapshot: over 64 KiB"))
		return
	}
	if err := b.core.Observe(data); err != nil {
		b.deliver(b.core.Reject(core.ReasonBadShape, "", "Streams snapshot: "+err.Error()))
	}
}

// configuration hands the agent's configuration (JSON) to core, before the snapshot it came with.
func (b *softphoneBridge) configuration(data []byte, ok bool) {
	if !ok {
		b.deliver(b.core.Reject(core.ReasonTooLarge, "", "Streams agent configuration: over 1 KiB"))
		return
	}
	if err := b.core.Configure(data); err != nil {
		b.deliver(b.core.Reject(core.ReasonBadShape, "", "Streams agent configuration: "+err.Error()))
	}
}

// wants every message but Streams' own traffic with the CCP iframe (core.SoftphoneGate).
func (b *softphoneBridge) wants(origin []byte, fromPeer bool) bool {
	return b.gate.Wants(origin, fromPeer)
}

// message hands one "message" event to core, through the gate, and runs the diagnostics it returns.
func (b *softphoneBridge) message(m message) {
	in := core.Inbound{Origin: m.origin, FromPeer: m.fromPeer, Kind: m.kind, Data: m.data}
	for _, d := range b.gate.Receive(b.core, in, b.admitted) {
		b.deliver(d)
	}
}

// received logs and records a message the gate admitted, before core decodes it.
func (b *softphoneBridge) received(data []byte) {
	b.rt.debug(b.debug, "ctibridge softphone ←", data)
	b.recorder.Envelope(now(), "in", data)
}

func (b *softphoneBridge) deliver(d core.Delivery) {
	b.recorder.Diagnostic(now(), d.Payload) // a softphone delivers diagnostics only
	if b.debug != debugOff {
		b.rt.warn("ctibridge softphone diagnostic:", string(d.Payload))
	}
	b.channel.emit(d.Name, d.Payload)
}

func (b *softphoneBridge) panicked(p any) {
	b.deliver(b.core.Reject(core.ReasonPanic, "", fmt.Sprint(p)))
}

func (b *softphoneBridge) object() (safejs.Value, error) {
	obj, err := b.rt.object.New()
	if err != nil {
		return safejs.Value{}, err
	}
	methods := map[string]func(safejs.Value, []safejs.Value) any{
		"diagnostics": func(safejs.Value, []safejs.Value) any {
			return diagnosticsValue(b.rt, &b.core.Diagnostics, b.channel)
		},
		"close": b.close,
		"flightRecorder": func(safejs.Value, []safejs.Value) any {
			return b.rt.parseOrNull(b.recorder.Export())
		},
	}
	if err := b.funcs.install(obj, methods, b.panicked); err != nil {
		return safejs.Value{}, err
	}
	if err := b.channel.installOn(obj); err != nil {
		return safejs.Value{}, err
	}
	return obj, obj.Set("role", "softphone")
}

// close stops listening to the CRM and to Streams, stops posting, and releases every Func. Streams itself keeps
// running.
func (b *softphoneBridge) close(safejs.Value, []safejs.Value) any {
	b.closeOnce.Do(func() {
		b.channel.close()
		b.core.Close() // what Streams completes from now on (an acknowledgement) is not posted
		b.funcs.releaseAll()
	})
	return nil
}
