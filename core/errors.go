package core

import (
	"errors"
	"fmt"
)

// Cause is a ctibridge extension to the vendor's error envelope: a machine-readable category of why a request
// failed, carried as error.cause next to the vendor's type, code and message.
type Cause string

// Causes.
const (
	// CauseAmazon: Amazon Connect refused the action; Code carries its message.
	CauseAmazon Cause = "AMAZON_CONNECT"
	// CauseNotAllowed: the control's button is not Enable in the current ButtonStates; nothing reached Streams.
	CauseNotAllowed Cause = "NOT_ALLOWED"
	// CauseTimeout: no reply came within the request's timeout.
	CauseTimeout Cause = "TIMEOUT"
	// CauseInvalidArgument: the request's arguments are malformed (for example digits that are not DTMF).
	CauseInvalidArgument Cause = "INVALID_ARGUMENT"
	// CauseReloaded: the softphone reloaded while the request was pending.
	CauseReloaded Cause = "SOFTPHONE_RELOADED"
	// CauseClosed: the bridge was closed while the request was pending.
	CauseClosed Cause = "CLOSED"
	// CauseTransport: the request could not be posted (the softphone's iframe is gone from the page).
	CauseTransport Cause = "TRANSPORT"
	// CauseCallEnded: the call ended before the request could complete (for example missed while answering).
	CauseCallEnded Cause = "CALL_ENDED"
	// CauseNotReady: the softphone has not initialised Streams yet.
	CauseNotReady Cause = "NOT_READY"
	// CauseInternal: a bug in ctibridge, reported instead of crashing.
	CauseInternal Cause = "INTERNAL"
)

// Error types that are not a control's *_FAILED type (those are in Controls and SetAgentStateControl).
// ctibridge.d.ts's error types mirror them (core/testdata/types-manifest.json).
const (
	// ErrorTypeInternal: a request failed on a bug in ctibridge, reported instead of crashing (wasm/js.go).
	ErrorTypeInternal = "INTERNAL_ERROR"
	// ErrorTypeLoadFailed: load() could not create a bridge (wasm/register.go; web/ctibridge.js for the loader's own).
	ErrorTypeLoadFailed = "LOAD_FAILED"
	// ErrorTypeSoftphoneFailed: the Hello of a softphone whose Streams could not start (Softphone.Fail).
	ErrorTypeSoftphoneFailed = "SOFTPHONE_FAILED"
	// ErrorTypeVersionMismatch: the Hello by which a softphone refuses a CRM of another protocol version.
	ErrorTypeVersionMismatch = "VERSION_MISMATCH"
)

// LoadError is the error of a load() whose role refused to start: CauseNotReady when Amazon Connect Streams
// cannot start in the frame (notReady), else CauseInvalidArgument (an option the page got wrong). Its Code and
// Message are err's text.
func LoadError(err error, notReady bool) *Error {
	cause := CauseInvalidArgument
	if notReady {
		cause = CauseNotReady
	}
	return &Error{Type: ErrorTypeLoadFailed, Code: err.Error(), Message: err.Error(), Cause: cause, Err: err}
}

// LoadCauses lists the causes LoadError gives.
func LoadCauses() []Cause { return []Cause{CauseInvalidArgument, CauseNotReady} }

// Error is a failed request, shaped like the vendor's error envelope: Type is the "*_FAILED" error type, Code
// the Amazon Connect failure message (or, when Amazon Connect was never asked, a description of why not), and
// Message the vendor's fixed text ("Answering call failed."). Cause says which kind of failure it is.
type Error struct {
	Type    string
	Code    string
	Message string
	Cause   Cause
	// Err is the underlying error, if any.
	Err error
}

// Error returns "<type>: <code>", e.g. "ANSWER_CALL_FAILED: AgentNotAvailable".
func (e *Error) Error() string { return e.Type + ": " + e.Code }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Wire returns the error as the envelope's "error" object.
func (e *Error) Wire() *WireError {
	return &WireError{Type: e.Type, Code: e.Code, Message: e.Message, Cause: string(e.Cause)}
}

// ErrClosed is the underlying error of every request that fails because its bridge is closed.
var ErrClosed = errors.New("bridge closed")

// Closed returns the Error of control c when its bridge is closed, before or while the request is pending:
// cause CauseClosed, and the one code every layer (core, the loader's closed bridge) gives it.
func (c *Control) Closed() *Error {
	return &Error{Type: c.ErrorType, Code: "The bridge is closed.", Message: c.ErrorMessage, Cause: CauseClosed, Err: ErrClosed}
}

// ErrorFromWire rebuilds an Error from an error envelope's "error" object.
func ErrorFromWire(w *WireError) *Error {
	return &Error{Type: w.Type, Code: w.Code, Message: w.Message, Cause: Cause(w.Cause)}
}

// Fail returns the Error of control c with the given cause and code.
func (c *Control) Fail(cause Cause, code string) *Error { return c.Kind().Fail(cause, code) }

// Kind is the error type and message of control c.
func (c *Control) Kind() ErrorKind { return ErrorKind{c.ErrorType, c.ErrorMessage} }

// ErrorCause returns the Cause of err if it is an *Error, and CauseInternal otherwise.
func ErrorCause(err error) Cause {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Cause
	}
	return CauseInternal
}

// DecodeError is returned for a message that is not a valid envelope; Reason names the rule it broke.
type DecodeError struct {
	Reason Reason
	Detail string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("invalid envelope: %s: %s", e.Reason, e.Detail)
}
