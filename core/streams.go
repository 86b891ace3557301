package core

import (
	"github.com/mailru/easyjson/jlexer"
	"strings"
	"time"
)

// The shapes below mirror the agent snapshot that Streams' worker pushes to the host (ClientEngine.updateAgent in
// amazon-connect-streams release/connect-streams.js), after JSON.stringify on the host: every Date becomes an
// ISO string. Only the fields the bridge reads are declared; easyjson skips the rest. Null versus absent
// follows notes/real-snapshots.md: either may appear wherever a live instance may send either.

// AttributeDNIS is the contact attribute Contact reads the dialled number from when Streams has no system endpoint.
const AttributeDNIS = "DNIS"

// SnapshotKeys are the keys, at any depth, that the types below read from a Streams snapshot: the json names of
// their fields, and the one contact attribute Contact reads (AttributeAllowlist.SnapshotKeys adds the attributes
// a deployer allows). The adapter serialises a snapshot with them as
// JSON.stringify's replacer array, so that the rest (configuration, softphoneMediaInfo tokens, other attributes)
// is never copied into Go only to be skipped. A test holds the list equal to the types' json tags.
var SnapshotKeys = []string{"state", "name", "type", "contacts", "contactId", "queue", "queueTimestamp", "attributes",
	AttributeDNIS, "value", "customerEndpoint", "connectSystemEndpoint", "phoneNumber", "connections", "connectionId",
	"initial", "timestamp", "endpoint", "agentStateARN", "startTimestamp", "mute"}

// StreamsSnapshot is connect.core.getAgentDataProvider().getAgentData().snapshot.
//
//easyjson:json
type StreamsSnapshot struct {
	State    StreamsAgentState `json:"state"`
	Contacts []StreamsContact  `json:"contacts"`
}

// StreamsAgentState is snapshot.state (agent.getState()). agentStateARN is null on older instances and for
// system states (notes/real-snapshots.md); null reads as "", which spares an allocation per snapshot.
//
//easyjson:json
type StreamsAgentState struct {
	ARN            string         `json:"agentStateARN"`
	Name           string         `json:"name"`
	Type           AgentStateType `json:"type"`
	StartTimestamp string         `json:"startTimestamp"`
}

// StreamsContact is one entry of snapshot.contacts.
//
//easyjson:json
type StreamsContact struct {
	ContactID      string                 `json:"contactId"`
	Type           string                 `json:"type"`
	State          StreamsState           `json:"state"`
	Queue          *StreamsQueue          `json:"queue"`
	QueueTimestamp *string                `json:"queueTimestamp"`
	Attributes     map[string]StreamsAttr `json:"attributes"`
	Customer       *StreamsEndpoint       `json:"customerEndpoint"`
	System         *StreamsEndpoint       `json:"connectSystemEndpoint"`
	Connections    []StreamsConnection    `json:"connections"`
}

// StreamsState is a contact's or connection's {type, timestamp}.
//
//easyjson:json
type StreamsState struct {
	Type      string  `json:"type"`
	Timestamp *string `json:"timestamp"`
}

// StreamsQueue is contact.queue.
//
//easyjson:json
type StreamsQueue struct {
	Name *string `json:"name"`
}

// Attr is one contact attribute, {name, value}.
//
//easyjson:json
type Attr struct {
	Name  string  `json:"name"`
	Value *string `json:"value"`
}

// StreamsAttr is one entry of contact.attributes, {name, value}, keyed by the attribute's name. Its decoder is
// hand-written (attributes.go): a value that is not a string must not make the snapshot unreadable.
type StreamsAttr struct {
	Name  string  `json:"name"`
	Value *string `json:"value"` // nil when absent, null or not a scalar
}

// StreamsEndpoint is a connection's endpoint (or a contact's customer/system endpoint).
//
//easyjson:json
type StreamsEndpoint struct {
	Type        string  `json:"type"`
	PhoneNumber *string `json:"phoneNumber"`
}

// StreamsConnection is one entry of contact.connections.
//
//easyjson:json
type StreamsConnection struct {
	ConnectionID string           `json:"connectionId"`
	Type         ConnectionType   `json:"type"`
	Initial      bool             `json:"initial"`
	State        StreamsState     `json:"state"`
	Endpoint     *StreamsEndpoint `json:"endpoint"`
	// Mute is the leg's server-side mute (voiceConnection.isMute()); false on voice legs, null on others.
	Mute bool `json:"mute"`
}

// ConfigurationKeys are the keys the adapter keeps of Streams' agent configuration (JSON.stringify's replacer
// array, as SnapshotKeys for the snapshot): the json names of StreamsConfiguration's fields. The rest (agent
// states, routing profile, permissions) is never copied into Go. A test holds the list equal to the json tags.
var ConfigurationKeys = []string{"name", "username", "extension", "softphoneEnabled", "agentARN"}

// StreamsConfiguration is connect.core.getAgentDataProvider().getAgentData().configuration (agent.getConfiguration()):
// who the agent is. Only the fields the agent messages report are declared.
//
//easyjson:json
type StreamsConfiguration struct {
	Name             string `json:"name"`
	Username         string `json:"username"`
	Extension        string `json:"extension"`
	SoftphoneEnabled bool   `json:"softphoneEnabled"`
	AgentARN         string `json:"agentARN"`
}

// Profile returns who the agent is, as the vendor's agentInfo reports it: id is the last part of the agent's ARN
// ("arn:aws:connect:…:instance/<instance>/agent/<id>"), loginName the username.
func (c *StreamsConfiguration) Profile() AgentProfile {
	id := c.AgentARN
	if i := strings.LastIndex(id, "/agent/"); i >= 0 {
		id = id[i+len("/agent/"):]
	}
	return AgentProfile{Name: c.Name, ID: id, Extension: c.Extension, LoginName: c.Username, SoftphoneEnabled: c.SoftphoneEnabled}
}

// AgentState returns the agent's state as the vendor's messages report it: snapshot.state, with its start as
// milliseconds since the epoch (0 when Streams gives none).
func (s *StreamsSnapshot) AgentState() AgentState {
	return AgentState{ARN: s.State.ARN, Name: s.State.Name, Type: s.State.Type, Since: parseTimestamp(&s.State.StartTimestamp)}
}

// AgentMuted reports whether the agent's leg of a voice contact is muted on the server (muteParticipant, a
// supervisor). The agent's own mute (agent.mute()) mutes the softphone's microphone in the page instead and
// shows only in Streams' MUTE_TOGGLE event, which the softphone adapter reports.
func (s *StreamsSnapshot) AgentMuted() bool {
	for i := range s.Contacts {
		c := &s.Contacts[i]
		if c.Type != "voice" {
			continue
		}
		for j := range c.Connections {
			if conn := &c.Connections[j]; (conn.Type == ConnAgent || conn.Type == ConnMonitoring) && conn.Mute {
				return true
			}
		}
	}
	return false
}

// Agent returns the agent state of the snapshot.
func (s *StreamsSnapshot) Agent() Agent { return Agent{Name: s.State.Name, Type: s.State.Type} }

// Contact converts a Streams contact into the bridge's model, following the product contract's field table:
// ANI is contact.getCustomerEndpoint() where Amazon Connect gives it, else the initial connection's endpoint;
// DNIS is contact.getConnectSystemEndpoint(), else the contact attribute "DNIS"; both are normalised to E.164.
func (c *StreamsContact) Contact() Contact {
	out := Contact{
		ID:             c.ContactID,
		Type:           c.Type,
		State:          ContactState(c.State.Type),
		QueueTimestamp: parseTimestamp(c.QueueTimestamp),
		Connections:    make([]Connection, 0, len(c.Connections)),
	}
	if c.Queue != nil && c.Queue.Name != nil {
		out.QueueName = *c.Queue.Name
	}
	for i := range c.Connections {
		sc := &c.Connections[i]
		if sc.ConnectionID == "" || !knownType(sc.Type) || !knownState(ConnectionState(sc.State.Type)) {
			// A leg the bridge cannot name or reason about (a Streams version with new states, a broken
			// snapshot): left out rather than reported as something a CRM would refuse.
			continue
		}
		conn := Connection{
			ID:    sc.ConnectionID,
			Type:  sc.Type,
			State: ConnectionState(sc.State.Type),
			Since: parseTimestamp(sc.State.Timestamp),
		}
		if sc.Endpoint != nil && sc.Endpoint.PhoneNumber != nil {
			conn.PhoneNumber = E164(*sc.Endpoint.PhoneNumber)
		}
		if sc.Initial && out.ANI == "" {
			out.ANI = conn.PhoneNumber
		}
		out.Connections = append(out.Connections, conn)
	}
	if c.Customer != nil && c.Customer.PhoneNumber != nil && *c.Customer.PhoneNumber != "" {
		out.ANI = E164(*c.Customer.PhoneNumber)
	}
	switch {
	case c.System != nil && c.System.PhoneNumber != nil && *c.System.PhoneNumber != "":
		out.DNIS = E164(*c.System.PhoneNumber)
	case c.Attributes[AttributeDNIS].Value != nil:
		out.DNIS = E164(*c.Attributes[AttributeDNIS].Value)
	}
	return out
}

// E164 normalises a phone number as Amazon Connect may report it: "sip:+15555550100@lily-outbound" and
// "tel:+15555550100" become "+15555550100"; anything else is returned trimmed, unchanged.
// Mirrors Streams' Endpoint.stripPhoneNumber, which handles the same SIP form.
func E164(number string) string {
	n := strings.TrimSpace(number)
	for _, scheme := range [...]string{"sip:", "sips:", "tel:"} {
		if len(n) > len(scheme) && strings.EqualFold(n[:len(scheme)], scheme) {
			n = n[len(scheme):]
			break
		}
	}
	if at := strings.IndexByte(n, '@'); at >= 0 {
		n = n[:at]
	}
	if semi := strings.IndexByte(n, ';'); semi >= 0 { // tel: and SIP URI parameters
		n = n[:semi]
	}
	return n
}

// isoLayout is how JavaScript's Date.prototype.toISOString writes a time: UTC, always three digits of milliseconds.
const isoLayout = "2006-01-02T15:04:05.000Z"

// FormatTimestamp writes ms (milliseconds since the Unix epoch) as Date.prototype.toISOString would.
func FormatTimestamp(ms int64) string {
	const maxMs = 253402300800000 // 10000-01-01: beyond it the year has more than four digits
	if ms < 0 || ms >= maxMs {
		return time.UnixMilli(ms).UTC().Format(isoLayout)
	}
	// By hand, because time.Format costs a few microseconds in WebAssembly and a softphone writes a timestamp
	// into every event: days since 1970 to a civil date (Howard Hinnant's civil_from_days).
	days, rem := ms/86400000, ms%86400000
	z := days + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	month := mp + 3
	if month > 12 {
		month -= 12
	}
	year := yoe + era*400
	if month <= 2 {
		year++
	}
	var b [24]byte
	put := func(at int, v int64, width int) {
		for i := at + width - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, year, 4)
	b[4] = '-'
	put(5, month, 2)
	b[7] = '-'
	put(8, day, 2)
	b[10] = 'T'
	put(11, rem/3600000, 2)
	b[13] = ':'
	put(14, rem/60000%60, 2)
	b[16] = ':'
	put(17, rem/1000%60, 2)
	b[19] = '.'
	put(20, rem%1000, 3)
	b[23] = 'Z'
	return string(b[:])
}

// parseTimestamp reads an RFC 3339 timestamp into milliseconds since the epoch; null or unreadable gives 0.
// Streams writes toISOString's shape, "2006-01-02T15:04:05.000Z"; any other fraction (cut to milliseconds) and
// a "±hh:mm" offset are read too, as time.Parse reads them, but for offsets RFC 3339 does not allow (minutes
// past 59, 24 hours), which time.Parse lets through (FuzzParseTimestamp). By hand: time.Parse costs
// microseconds per call in WebAssembly, where every leg of every snapshot has a timestamp, and 13 KB of the
// module.
func parseTimestamp(s *string) int64 {
	if s == nil {
		return 0
	}
	ms, _ := parseRFC3339(*s) // 0 when unreadable
	return ms
}

func parseRFC3339(s string) (ms int64, ok bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	ok = true
	num := func(at, width int) int64 {
		v := int64(0)
		for i := at; i < at+width; i++ {
			if i >= len(s) || s[i] < '0' || s[i] > '9' {
				ok = false
				return 0
			}
			v = v*10 + int64(s[i]-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 2), num(8, 2)
	hour, minute, second := num(11, 2), num(14, 2), num(17, 2)
	i := 19
	milli := int64(0)
	if s[i] == '.' {
		digits := 0
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if digits < 3 {
				milli = milli*10 + int64(s[i]-'0')
			}
			digits++
		}
		if digits == 0 {
			return 0, false
		}
		for ; digits < 3; digits++ {
			milli *= 10
		}
	}
	offset := int64(0) // minutes east of UTC
	switch {
	case i == len(s)-1 && s[i] == 'Z':
	case i == len(s)-6 && (s[i] == '+' || s[i] == '-') && s[i+3] == ':':
		hours, minutes := num(i+1, 2), num(i+4, 2)
		if hours > 23 || minutes > 59 {
			return 0, false
		}
		offset = hours*60 + minutes
		if s[i] == '-' {
			offset = -offset
		}
	default:
		return 0, false
	}
	if !ok || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59 {
		return 0, false
	}
	// days_from_civil (Howard Hinnant).
	y := year
	if month <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400 // floor: January and February of year 0 belong to the era before
	}
	yoe := y - era*400
	m := month + 9
	if month > 2 {
		m = month - 3
	}
	doy := (153*m+2)/5 + day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := era*146097 + doe - 719468
	ms = ((days*24+hour)*60+minute)*60000 + second*1000 + milli
	return ms - offset*60000, true
}

// daysIn returns the number of days of month in year (proleptic Gregorian, as time has it).
func daysIn(year, month int64) int64 {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// StreamsError is the error object a Streams failure callback receives, as the worker serialises it
// (ClientEngine.handleAPIRequest: err = JSON.stringify(err)).
//
//easyjson:json
type StreamsError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// UnmarshalJSONText decodes s.
func (e *StreamsError) UnmarshalJSONText(s string) error {
	l := jlexer.Lexer{Data: []byte(s)}
	e.UnmarshalEasyJSON(&l)
	return l.Error()
}
