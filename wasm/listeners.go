//go:build js && wasm

package wasm

import (
	"sync"

	"github.com/hack-pad/safejs"
)

// listeners is a bridge's on(name, callback) registry. Each subscription owns one unsubscribe Func (kind (c) of
// house rule 3), released when it is called or when the bridge closes.
type listeners struct {
	rt      *jsRuntime
	onPanic func(any)

	mu     sync.Mutex
	nextID int
	subs   map[string][]subscription
}

type subscription struct {
	id    int
	cb    safejs.Value
	unsub safejs.Func
}

func newListeners(rt *jsRuntime, onPanic func(any)) *listeners {
	return &listeners{rt: rt, onPanic: onPanic, subs: map[string][]subscription{}}
}

// on implements bridge.on(name, callback) → unsubscribe function.
func (l *listeners) on(name string, cb safejs.Value) (safejs.Value, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.nextID++
	id := l.nextID
	var once sync.Once
	unsub, err := safejs.FuncOf(guard(func(safejs.Value, []safejs.Value) any {
		once.Do(func() { l.remove(name, id) })
		return nil
	}, l.onPanic))
	if err != nil {
		return safejs.Value{}, err
	}
	l.subs[name] = append(l.subs[name], subscription{id: id, cb: cb, unsub: unsub})
	return unsub.Value(), nil
}

func (l *listeners) remove(name string, id int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	subs := l.subs[name]
	for i, s := range subs {
		if s.id == id {
			s.unsub.Release() // allowed while it runs (safejs.Func.Release doc)
			l.subs[name] = append(subs[:i:i], subs[i+1:]...)
			return
		}
	}
}

// count returns the number of live subscriptions.
func (l *listeners) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.subs {
		n += len(s)
	}
	return n
}

// emit calls every callback of name with the JSON payload parsed once. A callback that throws is reported
// on the console and does not stop the others.
func (l *listeners) emit(name string, payload []byte) {
	l.mu.Lock()
	subs := append([]subscription(nil), l.subs[name]...)
	l.mu.Unlock()
	if len(subs) == 0 {
		return
	}
	v, err := l.rt.parseJSON(payload)
	if err != nil {
		l.rt.warn("ctibridge: could not parse a "+name+" payload:", err.Error())
		return
	}
	for _, s := range subs {
		if _, err := s.cb.Invoke(v); err != nil {
			l.rt.warn("ctibridge: a "+name+" callback threw:", err.Error())
		}
	}
}

// closeAll releases every subscription.
func (l *listeners) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, subs := range l.subs {
		for _, s := range subs {
			s.unsub.Release()
		}
	}
	l.subs = map[string][]subscription{}
}
