package core

// The message payloads of the vendor's App, Agent and InboundCall pages (spec/vendor-api.md), field for field and
// in the order of the published samples (core/testdata/vendor-samples/, checked by vendor_test.go), and the
// object shapes of a request's "data". Built by agent.go, decoded by easyjson; AgentRules and AgentButtonStates
// have hand-written codecs (vendor_json.go).

// Topics and subtopics of the vendor's pages that ctibridge's own code names, verbatim; the requests are listed
// in Requests (requests.go).
const (
	TopicApp              = "App"
	TopicOutboundCall     = "OutboundCall"
	SubtopicStateSync     = "StateSync"
	SubtopicLoginSuccess  = "LoginSuccess"
	SubtopicLogoutSuccess = "LogoutSuccess"
	SubtopicCcpAgentState = "CcpAgentState"
)

// LoginState is the agent's session with Amazon Connect, message.loginState of the vendor's agent messages.
type LoginState string

// LoginState values, verbatim from the vendor's pages.
const (
	LoggedOut  LoginState = "LoggedOut"
	LoggingIn  LoginState = "LoggingIn"
	LoggingOut LoginState = "LoggingOut"
	LoggedIn   LoginState = "LoggedIn"
)

// InitState is how far the softphone has come, message.initState of App/StateSync.
type InitState string

// InitState values, verbatim from the vendor's App page.
const (
	InitNone    InitState = "None"    // nothing started
	InitLoading InitState = "Loading" // Streams is initialising
	InitLoaded  InitState = "Loaded"  // the agent's first snapshot has arrived
)

// AgentSyncMessage is the message of Agent/LoginSuccess and Agent/StateSync: {loginState, agentInfo, agentState,
// rules}. agentInfo and agentState are null while unknown; rules is null, "" or an object (AgentRules).
//
//easyjson:json
type AgentSyncMessage struct {
	LoginState LoginState        `json:"loginState"`
	AgentInfo  *AgentInfo        `json:"agentInfo"`
	AgentState *AgentStateObject `json:"agentState"`
	Rules      AgentRules        `json:"rules"`
}

// LogoutMessage is the message of Agent/LogoutSuccess: as AgentSyncMessage, but agentInfo is the shorter
// identity the vendor's sample shows (no id, muted first).
//
//easyjson:json
type LogoutMessage struct {
	LoginState LoginState        `json:"loginState"`
	AgentInfo  *AgentIdentity    `json:"agentInfo"`
	AgentState *AgentStateObject `json:"agentState"`
	Rules      AgentRules        `json:"rules"`
}

// AgentStateObject is agentState and rules.ResponseActual of the agent messages: Streams' state object
// (StreamsAgentState), with null where Streams has none.
//
//easyjson:json
type AgentStateObject struct {
	ARN            *string        `json:"agentStateARN"`
	Type           AgentStateType `json:"type"`
	Name           string         `json:"name"`
	StartTimestamp *string        `json:"startTimestamp"`
}

// AgentInfo is agentInfo of LoginSuccess and StateSync.
//
//easyjson:json
type AgentInfo struct {
	Name             string `json:"name"`
	ID               string `json:"id"`
	Extension        string `json:"extension"`
	LoginName        string `json:"loginName"`
	Muted            bool   `json:"muted"`
	SoftphoneEnabled bool   `json:"softphoneEnabled"`
}

// AgentIdentity is agentInfo of LogoutSuccess and the first fields of SetAgentState's data.
//
//easyjson:json
type AgentIdentity struct {
	Muted            bool   `json:"muted"`
	Name             string `json:"name"`
	Extension        string `json:"extension"`
	LoginName        string `json:"loginName"`
	SoftphoneEnabled bool   `json:"softphoneEnabled"`
}

// AgentRulesObject is rules when it is an object: the agent's five buttons and the state they were computed for.
//
//easyjson:json
type AgentRulesObject struct {
	ButtonStates   AgentButtonStates `json:"ButtonStates"`
	ResponseActual AgentStateObject  `json:"ResponseActual"`
}

// SetAgentStateMessage is the message of Agent/SetAgentState, the event of every agent-state or mute change.
//
//easyjson:json
type SetAgentStateMessage struct {
	Rules  AgentRules `json:"rules"`
	Data   AgentData  `json:"data"`
	Event  string     `json:"event"` // the state's name
	Source string     `json:"source"`
}

// AgentData is data of SetAgentState.
//
//easyjson:json
type AgentData struct {
	AgentIdentity
	// State is the vendor's word for the state's type: AgentDataReady, AgentDataNotReady or AgentDataOffline.
	State string `json:"state"`
	// ReasonCode names a not-routable or system state; absent otherwise.
	ReasonCode      *ReasonCode    `json:"reasonCode,omitempty"`
	StateChangeTime string         `json:"stateChangeTime"`
	Type            AgentStateType `json:"type"`
}

// ReasonCode is data.reasonCode of SetAgentState: the name of the agent's not-ready or system state.
//
//easyjson:json
type ReasonCode struct {
	ID string `json:"id"`
}

// CcpAgentStateMessage is the message of Agent/CcpAgentState: the CCP's own state, when it differs from what the
// CRM asked for.
//
//easyjson:json
type CcpAgentStateMessage struct {
	Name string         `json:"name"`
	Type AgentStateType `json:"type"`
}

// AppStateSyncMessage is the message of App/StateSync.
//
//easyjson:json
type AppStateSyncMessage struct {
	InitState InitState `json:"initState"`
}

// CallStateSyncMessage is the message of InboundCall/StateSync: the whole call, one entry per connection. With no
// call: attributes [], queueName null, queueTimestamp null, calls [].
//
//easyjson:json
type CallStateSyncMessage struct {
	Attributes     []Attr           `json:"attributes"`
	QueueName      *string          `json:"queueName"`
	QueueTimestamp *string          `json:"queueTimestamp"`
	Calls          []ResponseActual `json:"calls"`
}

// NotReadyData is the data of SetNotReady.
//
//easyjson:json
type NotReadyData struct {
	ReasonCodeID string `json:"ReasonCodeId"`
}

// EndpointData is an endpoint object in a request's data: a quick connect for SetMakeCall, Consult and
// Blindtransfer. The vendor's pages spell its keys two ways (Streams' endpointARN and type on SetMakeCall,
// EndpointARN and Type on Blindtransfer); both are read, and Endpoint returns one.
//
//easyjson:json
type EndpointData struct {
	EndpointARN      string `json:"endpointARN"`
	EndpointARNUpper string `json:"EndpointARN"`
	EndpointID       string `json:"endpointId"`
	Type             string `json:"type"`
	TypeUpper        string `json:"Type"`
	Name             string `json:"name"`
	NameUpper        string `json:"Name"`
	PhoneNumber      string `json:"phoneNumber"`
	PhoneNumberLower string `json:"phonenumber"`
	AgentLogin       string `json:"agentLogin"`
	Queue            string `json:"Queue"`
}
