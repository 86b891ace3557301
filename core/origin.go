package core

import (
	"errors"
	"net/url"
	"strings"
)

// ErrBadOrigin is wrapped by every error of ParseOrigin.
var ErrBadOrigin = errors.New("bad origin")

// ParseOrigin checks that s is one exact web origin as window.postMessage compares them: "https://host" or
// "http://host:port", lower case, with no path, no wildcard and not "null" (the origin of sandboxed frames and
// file: pages, which any attacker can also produce).
func ParseOrigin(s string) (string, error) {
	fail := func(why string) (string, error) {
		return "", errors.Join(ErrBadOrigin, errors.New("origin "+quote(s)+": "+why))
	}
	switch {
	case s == "":
		return fail("empty")
	case s == "*" || strings.ContainsAny(s, "*?"):
		return fail("wildcards are not allowed; list each exact origin")
	case s == "null":
		return fail(`"null" is the origin of sandboxed frames and file: pages, which anyone can produce`)
	}
	u, err := url.Parse(s)
	if err != nil {
		return fail(err.Error())
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return fail("scheme must be https or http")
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return fail("an origin is scheme://host[:port] with nothing after it")
	}
	canonical := u.Scheme + "://" + u.Host
	if canonical != strings.TrimSuffix(s, "/") || strings.ToLower(canonical) != canonical {
		return fail("write it as " + strings.ToLower(canonical))
	}
	return canonical, nil
}

// Origins is a set of exact origins. Match compares exactly: no prefix, suffix or case folding.
type Origins []string

// ParseOrigins checks each origin with ParseOrigin; at least one is required.
func ParseOrigins(list []string) (Origins, error) {
	if len(list) == 0 {
		return nil, errors.Join(ErrBadOrigin, errors.New("at least one origin is required"))
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

// Match reports whether origin is one of the set.
func (o Origins) Match(origin string) bool {
	for _, s := range o {
		if s == origin {
			return true
		}
	}
	return false
}

// AmazonMessage extracts the Amazon Connect failure message from what a Streams failure callback receives: the
// worker sends JSON.stringify(err), usually {"type": "...", "message": "..."}; the message is returned, else the
// type, else the text as it came.
func AmazonMessage(raw string) string {
	var e StreamsError
	if err := e.UnmarshalJSONText(raw); err == nil {
		if e.Message != "" {
			return e.Message
		}
		if e.Type != "" {
			return e.Type
		}
	}
	if raw == "" {
		return "Amazon Connect gave no error message."
	}
	return raw
}
