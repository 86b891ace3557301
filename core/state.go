package core

// ContactState is a contact's state as Streams reports it in contact.getStatus().type.
// Mirrors connect.ContactStateType in amazon-connect-streams src/api.js.
type ContactState string

// ContactState values, verbatim from connect.ContactStateType.
const (
	ContactInit       ContactState = "init"
	ContactIncoming   ContactState = "incoming"
	ContactPending    ContactState = "pending"
	ContactConnecting ContactState = "connecting"
	ContactConnected  ContactState = "connected"
	ContactMissed     ContactState = "missed"
	ContactError      ContactState = "error"
	ContactEnded      ContactState = "ended"
	ContactRejected   ContactState = "rejected"
	ContactPaused     ContactState = "paused"
)

// ConnectionState is a connection's state, connection.getStatus().type.
// Mirrors connect.ConnectionStateType in amazon-connect-streams src/api.js.
type ConnectionState string

// ConnectionState values, verbatim from connect.ConnectionStateType.
const (
	ConnInit          ConnectionState = "init"
	ConnConnecting    ConnectionState = "connecting"
	ConnConnected     ConnectionState = "connected"
	ConnHold          ConnectionState = "hold"
	ConnDisconnected  ConnectionState = "disconnected"
	ConnSilentMonitor ConnectionState = "silent_monitor"
	ConnBarge         ConnectionState = "barge"
)

// ConnectionType says whose leg a connection is, connection.getType().
// Mirrors connect.ConnectionType in amazon-connect-streams src/api.js.
type ConnectionType string

// ConnectionType values, verbatim from connect.ConnectionType.
const (
	ConnAgent      ConnectionType = "agent"
	ConnInbound    ConnectionType = "inbound"
	ConnOutbound   ConnectionType = "outbound"
	ConnMonitoring ConnectionType = "monitoring"
)

// AgentStateType is the routability of an agent state, agent.getState().type.
// Mirrors connect.AgentStateType in amazon-connect-streams src/api.js.
type AgentStateType string

// AgentStateType values, verbatim from connect.AgentStateType.
const (
	AgentTypeInit        AgentStateType = "init"
	AgentTypeRoutable    AgentStateType = "routable"
	AgentTypeNotRoutable AgentStateType = "not_routable"
	AgentTypeOffline     AgentStateType = "offline"
	AgentTypeSystem      AgentStateType = "system"
	AgentTypeError       AgentStateType = "error"
)

// Agent state names that Streams itself defines. Mirrors connect.AgentAvailStates and connect.AgentErrorStates
// in amazon-connect-streams src/api.js; other names (Available, Offline, custom "Not Ready" states) come from
// the instance's configuration.
const (
	AgentInit               = "Init"
	AgentBusy               = "Busy"
	AgentAfterCallWork      = "AfterCallWork"
	AgentCallingCustomer    = "CallingCustomer"
	AgentDialing            = "Dialing"
	AgentJoining            = "Joining"
	AgentPendingAvailable   = "PendingAvailable"
	AgentPendingBusy        = "PendingBusy"
	AgentError              = "Error"
	AgentMissedCallAgent    = "MissedCallAgent"
	AgentFailedConnectAgent = "FailedConnectAgent"
)

// Agent is the agent's current state, snapshot.state in Streams' agent snapshot.
type Agent struct {
	Name string         // e.g. "Available", "PendingBusy"
	Type AgentStateType // e.g. "routable", "system"
}

// Connection is one leg of a contact: the agent's own, the customer's, or a third party's.
type Connection struct {
	ID    string
	Type  ConnectionType
	State ConnectionState
	// Since is the state's timestamp in milliseconds since the Unix epoch (connection.getStatus().timestamp).
	Since int64
	// PhoneNumber is the endpoint's number in E.164, "" when Streams gives none (the agent's own leg).
	PhoneNumber string
}

// IsAgentLeg reports whether c is the agent's own leg. Streams' getAgentConnection() returns the first
// connection of type agent or monitoring.
func (c *Connection) IsAgentLeg() bool { return c.Type == ConnAgent || c.Type == ConnMonitoring }

// live reports whether the leg still carries (or is about to carry) audio.
func (c *Connection) live() bool {
	return c.State == ConnConnecting || c.State == ConnConnected || c.State == ConnHold
}

// Contact is one voice contact and its connections, in Streams' order ([agent, customer, third parties...]).
type Contact struct {
	ID    string
	Type  string // "voice", "chat", ...
	State ContactState
	// QueueName and QueueTimestamp (ms since the epoch; 0 when Streams gives null) describe the queue the
	// contact came from.
	QueueName      string
	QueueTimestamp int64
	// ANI is the customer's number and DNIS the number dialled, both E.164 or "" when unknown.
	ANI, DNIS string
	// Attributes are the contact attributes the deployer allows (AttributeAllowlist), in allowlist order, each
	// with a value; nil when none.
	Attributes  []Attr
	Connections []Connection
}

// Connection returns the connection with the given id, or nil.
func (c *Contact) Connection(id string) *Connection {
	for i := range c.Connections {
		if c.Connections[i].ID == id {
			return &c.Connections[i]
		}
	}
	return nil
}

// AgentLeg returns the agent's own connection, or nil.
func (c *Contact) AgentLeg() *Connection {
	for i := range c.Connections {
		if c.Connections[i].IsAgentLeg() {
			return &c.Connections[i]
		}
	}
	return nil
}
