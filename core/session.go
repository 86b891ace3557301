package core

import (
	"errors"
	"strings"
)

// The agent's session with Amazon Connect: the vendor's Login and Logout.
//
// Streams has no call that signs an agent in or out. Amazon Connect's session lives in the CCP frame: a signed-out
// CCP never acknowledges, and Streams, on its own, reloads the frame until one does (and opens the login window,
// which ctibridge's softphone turns off: loginPopup false). So Login opens that login window itself and has Streams
// reload the frame (ActLogin), and answers LoginSuccess once Streams reports the agent; Logout sets the agent
// Offline and loads the instance's logout endpoint (ActLogout), which Amazon documents as the way to end the
// session. It does not call connect.core.terminate(): a terminated Streams can never start again in the page (a
// later Login could not bring the agent back), and it throws "There is no upstream conduit!" from its keepalive
// timer for as long as the page lives (web/test/e2e/emulator.test.mjs).

// The ways ActLogin fails, which a StreamsPort reports (wrapped): Login answers each with LOGIN_FAILED and a
// message that says what to do.
var (
	// ErrLoginWindowBlocked: the browser refused to open the login window (window.open returned null). A
	// request from the CRM is a postMessage, which carries no user activation into the softphone's frame, so a
	// browser that blocks pop-ups blocks this one.
	ErrLoginWindowBlocked = errors.New("the browser blocked Amazon Connect's login window")
	// ErrLoginWindowClosed: the login window was closed, and the CCP did not acknowledge after it.
	ErrLoginWindowClosed = errors.New("the login window was closed before the agent signed in")
	// ErrLoginTimedOut: the agent did not sign in within the softphone's limit.
	ErrLoginTimedOut = errors.New("the agent did not sign in in time")
)

// Session is where the agent's session with Amazon Connect starts and ends: the login window's URL and the
// instance's logout endpoint. "" where the softphone does not know one (it did not start Streams and has no
// ccpUrl): Login and Logout then say so.
type Session struct {
	LoginURL  string
	LogoutURL string
}

// LogoutPath is the logout endpoint of an Amazon Connect instance, on the CCP's origin.
const LogoutPath = "/connect/logout"

// NewSession returns the session of a softphone whose CCP is at ccpURL, with the softphone's options: loginURL
// is Streams' loginUrl option, logoutURL the logoutUrl option ("" when not given). The login window is the one
// Streams would open: loginUrl, else the CCP itself (getLoginUrl in amazon-connect-streams), which sends a
// signed-out agent to the instance's login page. The logout endpoint is logoutUrl, else /connect/logout on the
// CCP's origin. Every URL given must be absolute http(s).
func NewSession(ccpURL, loginURL, logoutURL string) (Session, error) {
	for name, u := range map[string]string{"ccpUrl": ccpURL, "streams.loginUrl": loginURL, "logoutUrl": logoutURL} {
		if u == "" {
			continue
		}
		if _, _, err := OriginOf(u); err != nil {
			return Session{}, errors.New(name + " " + quote(u) + " is not an absolute http(s) URL: " + err.Error())
		}
	}
	s := Session{LoginURL: either(loginURL, ccpURL), LogoutURL: logoutURL}
	if s.LogoutURL == "" && ccpURL != "" {
		origin, _, _ := OriginOf(ccpURL)
		s.LogoutURL = strings.TrimSuffix(origin, "/") + LogoutPath
	}
	return s, nil
}

// SetSession tells the softphone where the agent signs in and out (NewSession). A softphone without one answers
// Login, when the agent is signed out, and Logout with their errors.
func (s *Softphone) SetSession(session Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.session = session
}

// signedInLocked reports whether Streams has reported the agent and no Logout has ended the session since.
func (s *Softphone) signedInLocked() bool { return s.ready && !s.loggedOut }

// login answers Login. A signed-in agent gets LoginSuccess at once. Otherwise the login window opens (ActLogin)
// and the request waits: LoginSuccess when Streams reports the agent (Observe), LOGIN_FAILED if the window is
// blocked or closed or the agent does not sign in in time. A Login while one waits joins it: one window, and each
// request gets its answer.
func (s *Softphone) login(req Envelope, vr VendorRequest) {
	s.mu.Lock()
	var refusal *Error
	switch {
	case s.failure != "":
		refusal = vr.Err.Fail(CauseNotReady, "The softphone could not start: "+s.failure)
	case len(s.logouts) > 0:
		refusal = vr.Err.Fail(CauseNotAllowed, "A logout is under way: send Login once LogoutSuccess has come.")
	case s.signedInLocked():
		msg := NewAgentSync(s.statusLocked())
		s.postVendorLocked(&Envelope{Channel: ChannelAmazon, Topic: TopicAgent, Subtopic: SubtopicLoginSuccess, RequestID: req.RequestID}, msg.MarshalEasyJSON)
		s.mu.Unlock()
		return
	case len(s.logins) > 0:
		s.logins = append(s.logins, req.RequestID)
		s.mu.Unlock()
		return
	case s.session.LoginURL == "":
		refusal = vr.Err.Fail(CauseNotReady, "The agent is not signed in to Amazon Connect, and the softphone has no login URL "+
			"to open its login window: give it ccpUrl (or Streams' loginUrl).")
	}
	if refusal != nil {
		s.postErrorLocked(req.Topic, req.Subtopic, req.RequestID, refusal)
		s.mu.Unlock()
		return
	}
	s.logins = append(s.logins, req.RequestID)
	url := s.session.LoginURL
	s.mu.Unlock()
	s.streams.Do(Action{Kind: ActLogin, URL: url}, func(err error) { s.loginDone(vr, err) })
}

// loginDone ends the login window's part of a Login: on failure every waiting Login gets LOGIN_FAILED; on success
// (the CCP acknowledged: the session has started) they wait for Streams to report the agent, and the next
// snapshot is applied even if it equals the one before the logout.
func (s *Softphone) loginDone(vr VendorRequest, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		if s.loggedOut {
			s.loggedOut, s.snapshot = false, nil
		}
		return
	}
	e := loginFailure(vr, err)
	for _, id := range s.logins {
		s.postErrorLocked(TopicAgent, vr.Subtopic, id, e)
	}
	s.logins = nil
}

// loginFailure is the LOGIN_FAILED error of an ActLogin that failed with err.
func loginFailure(vr VendorRequest, err error) *Error {
	switch {
	case errors.Is(err, ErrLoginWindowBlocked):
		return vr.Err.Fail(CauseNotAllowed, "The browser blocked Amazon Connect's login window: a request from the CRM "+
			"carries no user activation into the softphone's frame. Allow pop-ups for the softphone's site in the browser, "+
			"or sign in from the softphone page.")
	case errors.Is(err, ErrLoginWindowClosed):
		return vr.Err.Fail(CauseNotReady, "The login window was closed before the agent signed in to Amazon Connect: send Login again.")
	case errors.Is(err, ErrLoginTimedOut):
		return vr.Err.Fail(CauseTimeout, "The agent did not sign in to Amazon Connect in time: send Login again.")
	}
	return agentFailure(vr, err)
}

// answerLoginsLocked answers the waiting Logins with LoginSuccess once Streams has reported the agent signed in.
func (s *Softphone) answerLoginsLocked() {
	if len(s.logins) == 0 || !s.signedInLocked() {
		return
	}
	msg := NewAgentSync(s.statusLocked())
	for _, id := range s.logins {
		s.postVendorLocked(&Envelope{Channel: ChannelAmazon, Topic: TopicAgent, Subtopic: SubtopicLoginSuccess, RequestID: id}, msg.MarshalEasyJSON)
	}
	s.logins = nil
}

// logout answers Logout: the agent is set Offline, then the instance's logout endpoint ends the session
// (ActLogout), then LogoutSuccess reports the agent as it was when the Logout came. It is refused while the agent has a contact
// (a call, or its after-call work): the session's end would drop the caller. A Logout while one is under way
// joins it.
func (s *Softphone) logout(req Envelope, vr VendorRequest) {
	s.mu.Lock()
	if len(s.logouts) > 0 {
		s.logouts = append(s.logouts, req.RequestID)
		s.mu.Unlock()
		return
	}
	err := s.agentAllowedLocked(vr, noAgentButton)
	switch {
	case err != nil:
	case s.contact != nil:
		err = vr.Err.Fail(CauseNotAllowed, "The agent has a contact: end the call and clear it before logging out, "+
			"or the caller is dropped.")
	case s.session.LogoutURL == "":
		err = vr.Err.Fail(CauseNotReady, "The softphone does not know the instance's logout endpoint: give it ccpUrl or logoutUrl.")
	}
	if err != nil {
		s.postErrorLocked(req.Topic, req.Subtopic, req.RequestID, err)
		s.mu.Unlock()
		return
	}
	// LogoutSuccess reports the agent as the Logout found it, before Offline (the vendor's sample: the state the
	// agent left, and the buttons it had).
	last := s.statusLocked()
	s.logouts = []string{req.RequestID}
	url := s.session.LogoutURL
	s.mu.Unlock()
	fail := func(err error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		e := agentFailure(vr, err)
		for _, id := range s.logouts {
			s.postErrorLocked(TopicAgent, vr.Subtopic, id, e)
		}
		s.logouts = nil
	}
	s.streams.Do(Action{Kind: ActSetAgentState, AgentState: AgentOffline}, func(err error) {
		if err != nil {
			fail(err)
			return
		}
		s.streams.Do(Action{Kind: ActLogout, URL: url}, func(err error) {
			if err != nil {
				fail(err)
				return
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			s.loggedOut = true
			msg := NewLogoutMessage(last)
			for _, id := range s.logouts {
				s.postVendorLocked(&Envelope{Channel: ChannelAmazon, Topic: TopicAgent, Subtopic: SubtopicLogoutSuccess, RequestID: id}, msg.MarshalEasyJSON)
			}
			s.logouts = nil
		})
	})
}
