//go:build js && wasm

package wasm

import (
	"errors"
	"fmt"

	"github.com/hack-pad/safejs"

	"github.com/ctibridge/ctibridge/core"
)

// bootKey is the global through which web/ctibridge.js hands Go its {resolve, reject} pair before go.run: Go
// resolves it with the boot API and deletes it, so that no global stays behind.
const bootKey = "__ctibridgeBoot"

// Register builds the boot API {create(options) → Promise<bridge>} and hands it to the loader. Its Func lives
// as long as the page (kind (a)). If it fails once the loader's boot object is found, the loader's reject is
// called with the reason, so that load() rejects with it rather than with the Go runtime's exit that follows.
func Register() error {
	rt, err := lookupRuntime()
	if err != nil {
		return err
	}
	boot, err := rt.global.Get(bootKey)
	if err != nil || boot.Type() != safejs.TypeObject {
		return errors.New("ctibridge.wasm must be started by ctibridge.js (load())")
	}
	_ = rt.global.Delete(bootKey)
	if err := register(rt, boot); err != nil {
		if reason, jsErr := rt.errorC.New(err.Error()); jsErr == nil {
			_, _ = boot.Call("reject", reason)
		}
		return err
	}
	return nil
}

// register starts the fast path and resolves the loader's boot object with the boot API.
func register(rt *jsRuntime, boot safejs.Value) error {
	var err error
	if rt.fast, err = newFastPath(boot); err != nil {
		return err
	}
	api, err := rt.object.New()
	if err != nil {
		return err
	}
	onPanic := func(p any) { rt.warn("ctibridge: internal error (recovered):", fmt.Sprint(p)) }
	create, err := safejs.FuncOf(guard(func(_ safejs.Value, args []safejs.Value) any {
		opts := safejs.Undefined()
		if len(args) > 0 {
			opts = args[0]
		}
		// create runs here, synchronously: it only makes JavaScript calls and never waits, and it must run on
		// the goroutine JavaScript called, not on one it interleaves with (initCCP may call back synchronously).
		bridge, err := create(rt, opts)
		if err != nil {
			notReady := errors.Is(err, ErrStorageBlocked) || errors.Is(err, errStreamsStart) // Streams cannot start here
			p, _ := rt.promise.Call("reject", rt.newError(core.LoadError(err, notReady)))
			return p
		}
		p, _ := rt.promise.Call("resolve", bridge)
		return p
	}, onPanic))
	if err != nil {
		return err
	}
	if err := api.Set("create", create); err != nil {
		return err
	}
	_, err = boot.Call("resolve", api)
	return err
}

// create reads options.role and builds that role's bridge.
func create(rt *jsRuntime, opts safejs.Value) (any, error) {
	if opts.Type() != safejs.TypeObject {
		return nil, errors.New("load() needs an options object with a role")
	}
	role, _, err := optString(rt, opts, "role")
	if err != nil {
		return nil, err
	}
	switch role {
	case "crm":
		return newCRM(rt, opts)
	case "softphone":
		return newSoftphone(rt, opts)
	}
	return nil, fmt.Errorf(`role must be "crm" or "softphone", not %q`, role)
}
