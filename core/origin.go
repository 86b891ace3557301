package core

import (
	"errors"
	"fmt"
	"strings"
)

// ErrBadOrigin is wrapped by every error of ParseOrigin.
var ErrBadOrigin = errors.New("bad origin")

// ParseOrigin checks that s is one exact web origin as window.postMessage compares them: "https://host" or
// "http://host:port", lower case, with no path, no wildcard and not "null" (the origin of sandboxed frames and
// file: pages, which any attacker can also produce).
func ParseOrigin(s string) (string, error) {
	fail := func(why string) (string, error) {
		return "", fmt.Errorf("%w: %s: %s", ErrBadOrigin, quote(s), why)
	}
	switch {
	case s == "":
		return fail("empty")
	case s == "*" || strings.ContainsAny(s, "*?"):
		return fail("wildcards are not allowed; list each exact origin")
	case s == "null":
		return fail(`"null" is the origin of sandboxed frames and file: pages, which anyone can produce`)
	}
	canonical, rest, err := OriginOf(s)
	if err != nil {
		return fail(err.Error())
	}
	if rest != "" && rest != "/" {
		return fail("an origin is scheme://host[:port] with nothing after it")
	}
	if strings.ToLower(canonical) != canonical {
		return fail("write it as " + strings.ToLower(canonical))
	}
	return canonical, nil
}

// OriginOf splits an http(s) URL into its origin (scheme://host[:port]) and the rest (path, query, fragment).
// It refuses other schemes, an empty host and user information. (Written out rather than with net/url, which
// would add its weight to the WebAssembly module for this one use.)
func OriginOf(rawURL string) (origin, rest string, err error) {
	scheme, after, ok := strings.Cut(rawURL, "://")
	if !ok || (scheme != "https" && scheme != "http" && scheme != "HTTPS" && scheme != "HTTP") {
		return "", "", errors.New("scheme must be https or http")
	}
	end := strings.IndexAny(after, "/?#")
	if end < 0 {
		end = len(after)
	}
	host := after[:end]
	switch {
	case host == "":
		return "", "", errors.New("no host")
	case strings.ContainsAny(host, "@ \t\n\\"):
		return "", "", errors.New("user information and spaces are not allowed in a host")
	}
	return scheme + "://" + host, after[end:], nil
}

// Origins is a set of exact origins. Match compares exactly: no prefix, suffix or case folding.
type Origins []string

// ParseOrigins checks each origin with ParseOrigin; at least one is required.
func ParseOrigins(list []string) (Origins, error) {
	if len(list) == 0 {
		return nil, fmt.Errorf("%w: at least one origin is required", ErrBadOrigin)
	}
	out := make(Origins, 0, len(list))
	for _, s := range list {
		o, err := ParseOrigin(s)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// ErrParentNotAllowed is why a softphone posts nothing: the page embedding it is not one of its CRM origins.
var ErrParentNotAllowed = errors.New("not in crmOrigins")

// PostTargets returns the exact origins a softphone allowed to talk to o posts to: the parent's origin when the
// browser reports it (location.ancestorOrigins; reported is false when it does not) and it is one of o; none,
// with an error wrapping ErrParentNotAllowed, when it is reported and not one of them; otherwise every origin
// of o, each of which the browser delivers only if it is the parent's. It never returns "*".
func (o Origins) PostTargets(parent string, reported bool) ([]string, error) {
	switch {
	case !reported:
		return o, nil
	case o.Match(parent):
		return []string{parent}, nil
	}
	return nil, fmt.Errorf("the page embedding this softphone is %s, which is %w; it will receive nothing", parent, ErrParentNotAllowed)
}

// Match reports whether origin is one of the set.
func (o Origins) Match(origin string) bool {
	for _, s := range o {
		if s == origin {
			return true
		}
	}
	return false
}

// AmazonMessage extracts the Amazon Connect failure message from what a Streams failure callback receives,
// failure(err, data): the worker sends err as JSON.stringify(err), usually {"type": "...", "message": "..."}, but
// for some failures err is "{}" and the message is in data.message (ClientEngine.handleAPIRequest). The first
// message found is returned, else the type, else err as it came.
func AmazonMessage(err, data string) string {
	var e, d StreamsError
	errJSON := e.UnmarshalJSONText(err) == nil
	_ = d.UnmarshalJSONText(data)
	switch {
	case e.Message != "":
		return e.Message
	case d.Message != "":
		return d.Message
	case e.Type != "":
		return e.Type
	case d.Type != "":
		return d.Type
	case err != "" && !errJSON:
		return err // a bare string, such as contact.accept()'s "error"
	}
	return "Amazon Connect gave no error message."
}
