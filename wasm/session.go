//go:build js && wasm

package wasm

import (
	"errors"
	"sync"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/ctibridge/ctibridge/core"
)

// loginTimeout bounds a Login's wait for the agent to sign in (core.ErrLoginTimedOut): long enough to type a
// password and a one-time code, short enough that a window left open does not hold the request for ever.
const loginTimeout = 5 * time.Minute

// loginPoll is how often a Login looks whether the agent closed the login window.
const loginPoll = time.Second

// defaultLoadTimeout is Streams' ccpLoadTimeout when initCCP was given none: how long Streams waits for a CCP
// frame to acknowledge before it loads the next one.
const defaultLoadTimeout = 5 * time.Second

// login carries out core.ActLogin: it opens Amazon Connect's login window at url, as Streams' own
// authenticate opens it (connect.core.getPopupManager().open, with initCCP's loginOptions), and has Streams
// reload the CCP frame until one acknowledges (connect.core.reauthenticateAfterLogout). done gets nil on the
// acknowledge (the session has started: the agent's snapshot follows), core.ErrLoginWindowBlocked if the
// browser refused the window, core.ErrLoginWindowClosed if the window closed and no frame acknowledged within
// two of Streams' reloads after it, core.ErrLoginTimedOut after loginTimeout.
//
// A CCP still loading its first frame (Streams' ccpLoadTimeout has not fired) may well have a signed-in
// agent: the window opens only if it times out, as Streams' own would.
func (s *streamsAdapter) login(url string, done func(error)) {
	l := &loginRun{s: s, url: url, done: done, stop: make(chan struct{})}
	l.timer = time.AfterFunc(loginTimeout, func() { l.finish(core.ErrLoginTimedOut) })
	if err := l.start(); err != nil {
		l.finish(err)
	}
}

// loginRun is one login: the Streams subscriptions and Funcs it made, all ended by finish (kind (c) of house
// rule 3: listeners released when their run ends).
type loginRun struct {
	s    *streamsAdapter
	url  string
	done func(error)

	once  sync.Once
	timer *time.Timer
	stop  chan struct{} // closed by finish: the window watch ends

	mu    sync.Mutex
	subs  []safejs.Value // Streams subscriptions ({unsubscribe()})
	funcs []safejs.Func
	win   safejs.Value // the login window, once open
}

func (l *loginRun) start() error {
	jsCore, err := l.s.path("core")
	if err != nil {
		return err
	}
	upstream, err := jsCore.Call("getUpstream") // throws when Streams has no CCP frame (initCCP never ran)
	if err != nil {
		return err
	}
	ack, err := l.s.path("EventType", "ACKNOWLEDGE")
	if err != nil {
		return err
	}
	if err := l.listen(upstream, "onUpstream", ack, func() { l.finish(nil) }); err != nil {
		return err
	}
	loading, err := jsCore.Get("ccpLoadTimeoutInstance")
	if err != nil {
		return err
	}
	if loading.IsNull() || loading.IsUndefined() {
		return l.open()
	}
	timeout, err := l.s.path("EventType", "ACK_TIMEOUT")
	if err != nil {
		return err
	}
	bus, err := jsCore.Call("getEventBus")
	if err != nil {
		return err
	}
	return l.listen(bus, "subscribe", timeout, func() {
		if err := l.open(); err != nil {
			l.finish(err)
		}
	})
}

// listen subscribes f to event through target.method(event, f) (an EventBus's subscribe, a conduit's
// onUpstream), until the run ends.
func (l *loginRun) listen(target safejs.Value, method string, event safejs.Value, f func()) error {
	fn, err := safejs.FuncOf(guard(func(safejs.Value, []safejs.Value) any { f(); return nil }, l.s.recovered(l.finish)))
	if err != nil {
		return err
	}
	sub, err := target.Call(method, event, fn)
	if err != nil {
		fn.Release()
		return err
	}
	l.mu.Lock()
	l.subs, l.funcs = append(l.subs, sub), append(l.funcs, fn)
	l.mu.Unlock()
	return nil
}

// open opens the login window (or focuses the one a Login before opened) and has Streams reload the CCP frame;
// when Streams gives up reloading (IFRAME_RETRIES_EXHAUSTED) while the window is still open, it starts again.
func (l *loginRun) open() error {
	jsCore, err := l.s.path("core")
	if err != nil {
		return err
	}
	popups, err := jsCore.Call("getPopupManager")
	if err != nil {
		return err
	}
	topic, err := l.s.path("MasterTopics", "LOGIN_POPUP")
	if err != nil {
		return err
	}
	options := safejs.Undefined()
	if params, err := l.s.connect.Get("initCCPParams"); err == nil && params.Type() == safejs.TypeObject {
		if options, err = l.s.rt.getGuarded(params, "loginOptions"); err != nil {
			options = safejs.Undefined()
		}
	}
	win, err := popups.Call("open", l.url, topic, options)
	if err != nil {
		return err
	}
	if win.IsNull() || win.IsUndefined() {
		return core.ErrLoginWindowBlocked
	}
	l.mu.Lock()
	l.win = win
	l.mu.Unlock()
	exhausted, err := l.s.path("EventType", "IFRAME_RETRIES_EXHAUSTED")
	if err != nil {
		return err
	}
	bus, err := jsCore.Call("getEventBus")
	if err != nil {
		return err
	}
	if err := l.listen(bus, "subscribe", exhausted, func() {
		if !l.closed() {
			if err := l.reload(); err != nil {
				l.finish(err)
			}
		}
	}); err != nil {
		return err
	}
	if err := l.reload(); err != nil {
		return err
	}
	l.watch(l.loadTimeout())
	return nil
}

// reload has Streams reload the CCP frame until one acknowledges, from its first attempt. Streams' authenticate
// starts its reloads only when connect.core.iframeRefreshTimeout is null, and leaves the last timer's id there
// when it gives up: so the pending reload is cancelled and the field cleared first.
func (l *loginRun) reload() error {
	jsCore, err := l.s.path("core")
	if err != nil {
		return err
	}
	pending, err := jsCore.Get("iframeRefreshTimeout")
	if err != nil {
		return err
	}
	if _, err := l.s.rt.global.Call("clearTimeout", pending); err != nil {
		return err
	}
	if err := jsCore.Set("iframeRefreshTimeout", nil); err != nil {
		return err
	}
	_, err = jsCore.Call("reauthenticateAfterLogout")
	return err
}

// closed reports whether the login window is closed (a cross-origin window's closed can be read).
func (l *loginRun) closed() bool {
	l.mu.Lock()
	win := l.win
	l.mu.Unlock()
	v, err := win.Get("closed")
	if err != nil {
		return true
	}
	b, _ := v.Bool()
	return b
}

// watch ends the run with core.ErrLoginWindowClosed once the window has been closed for two of Streams' reload
// periods with no acknowledge: the agent may have signed in and closed it before the next frame loaded. It looks
// every loginPoll, from a timer, until the run ends.
func (l *loginRun) watch(period time.Duration) {
	var closedFor time.Duration
	var look func()
	look = func() {
		select {
		case <-l.stop:
			return
		default:
		}
		closedFor += loginPoll
		if !l.closed() {
			closedFor = 0
		}
		if closedFor > 2*period {
			l.finish(core.ErrLoginWindowClosed)
			return
		}
		time.AfterFunc(loginPoll, look)
	}
	time.AfterFunc(loginPoll, look)
}

// loadTimeout is initCCP's ccpLoadTimeout: the period of Streams' reloads.
func (l *loginRun) loadTimeout() time.Duration {
	params, err := l.s.connect.Get("initCCPParams")
	if err != nil || params.Type() != safejs.TypeObject {
		return defaultLoadTimeout
	}
	v, err := l.s.rt.getGuarded(params, "ccpLoadTimeout")
	if err != nil || v.Type() != safejs.TypeNumber {
		return defaultLoadTimeout
	}
	ms, _ := v.Float()
	if ms <= 0 {
		return defaultLoadTimeout
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// finish ends the run once: it unsubscribes and releases everything, then calls done.
func (l *loginRun) finish(err error) {
	l.once.Do(func() {
		l.timer.Stop()
		close(l.stop)
		l.mu.Lock()
		subs, funcs := l.subs, l.funcs
		l.subs, l.funcs = nil, nil
		l.mu.Unlock()
		for _, sub := range subs {
			_, _ = sub.Call("unsubscribe")
		}
		for _, f := range funcs {
			f.Release()
		}
		l.s.end(err, nil, l.done)
	})
}

// loadLogout carries out core.ActLogout: the instance's logout endpoint at url, in a hidden frame of the
// softphone's page (not fetch: Amazon's endpoint ends the session with its cookies, as a page of the instance).
// done gets nil once the frame has loaded, and the frame is removed; an error if it has not loaded within
// streamsTimeout.
func (s *streamsAdapter) loadLogout(url string, done func(error)) {
	doc, err := s.rt.global.Get("document")
	if err != nil {
		done(err)
		return
	}
	frame, err := doc.Call("createElement", "iframe")
	if err != nil {
		done(err)
		return
	}
	var loaded safejs.Func
	var once sync.Once
	var timer *time.Timer
	finish := func(err error) {
		once.Do(func() {
			timer.Stop()
			loaded.Release()
			_, _ = frame.Call("remove")
			s.end(err, nil, done)
		})
	}
	timer = time.AfterFunc(streamsTimeout, func() {
		finish(errors.New("The instance's logout endpoint " + url + " did not load within 30 s."))
	})
	loaded, err = safejs.FuncOf(guard(func(safejs.Value, []safejs.Value) any { finish(nil); return nil }, s.recovered(finish)))
	if err != nil {
		timer.Stop()
		done(err)
		return
	}
	_, err1 := frame.Call("addEventListener", "load", loaded)
	err2 := frame.Set("hidden", true)
	err3 := frame.Set("title", "Amazon Connect logout")
	err4 := frame.Set("src", url)
	body, err5 := doc.Get("body")
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		finish(err)
		return
	}
	if _, err := body.Call("append", frame); err != nil {
		finish(err)
	}
}
