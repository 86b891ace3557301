// Types for ctibridge.js, the ES module that loads ctibridge.wasm and creates bridges, and for everything the
// bridges exchange over window.postMessage. Every name below is taken from the Go code that produces it; each
// union says which Go file it mirrors. Reference: web/docs/api.md (JavaScript API) and web/docs/wire.md (wire
// protocol).
//
//   import { load } from "ctibridge";
//   const bridge = await load({ role: "crm", softphone: iframe, softphoneOrigin: "https://softphone.example.com" });
//   bridge.on("InboundCallStateChange", ({ call }) => render(call.ButtonStates.items));
//   await bridge.answerCall();

// ---------------------------------------------------------------------------------------------------------
// Loading

/**
 * Loads ctibridge.wasm (once per page) and creates a bridge in the given role.
 *
 * Rejects with a {@link LoadError} of type `LOAD_FAILED`: from the loader (no WebAssembly, the .wasm could not be
 * fetched or compiled, a Content-Security-Policy without `'wasm-unsafe-eval'`, the module refused to start, the
 * Go runtime exited), with the underlying error as `cause`; or from the role, with reason `"INVALID_ARGUMENT"`
 * for an option it refuses (a wildcard origin, a missing `container`, Streams not loaded, ...) and `"NOT_READY"`
 * when Streams cannot start in the frame (storage blocked, initCCP failed); `message` says which.
 */
export function load(options: CrmLoadOptions): Promise<CrmBridge>;
export function load(options: SoftphoneLoadOptions): Promise<SoftphoneBridge>;
export function load(options: LoadOptions): Promise<CrmBridge | SoftphoneBridge>;

/**
 * Checks, before any bridge exists, whether this page may compile WebAssembly (a Content-Security-Policy
 * without 'wasm-unsafe-eval' forbids it). Resolves with one `webassembly` check. (web/ctibridge.js)
 */
export function selfTest(): Promise<SelfTestReport>;

/** The options of {@link load}: a discriminated union on `role`. */
export type LoadOptions = CrmLoadOptions | SoftphoneLoadOptions;

/** Options every role reads. */
export interface CommonLoadOptions {
  /**
   * URL of ctibridge.wasm. Default: `ctibridge.wasm` next to ctibridge.js (`import.meta.url`), or next to
   * ctibridge.classic.js (`document.currentScript`). Only the first `load()` of a page reads it: the module is
   * loaded once and shared by every bridge of the page.
   */
  wasmUrl?: string | URL;
  /**
   * URL of wasm_exec.js from the same Go toolchain as ctibridge.wasm. Default: next to ctibridge.js. Not
   * fetched when a `Go` global already exists. Only the first `load()` of a page reads it.
   */
  wasmExecUrl?: string | URL;
  /**
   * Logs every envelope in and out with `console.debug` and every diagnostic with `console.warn`. `true`
   * masks phone numbers (`+*******11`); `"unmasked"` shows them. Default false. (wasm/options.go optDebug)
   */
  debug?: boolean | "unmasked";
  /**
   * The window whose `message` events the bridge listens to; for the softphone role, its `parent` is the CRM's
   * window. Default: the global window. Meant for tests. (wasm/options.go optWindow)
   */
  window?: Window;
}

/** Options of `load({role: "crm"})`. Mirrors wasm/crm.go newCRM. */
export interface CrmLoadOptions extends CommonLoadOptions {
  role: "crm";
  /** The softphone: its `<iframe>` element (the bridge posts to its `contentWindow` of the moment, following the frame if the page moves it) or its Window. */
  softphone: HTMLIFrameElement | Window;
  /**
   * The softphone page's exact origin, `scheme://host[:port]` in lower case, with no path: every request is
   * posted with it as `targetOrigin`, and only messages from it (and from the softphone's window) are accepted.
   * `"*"`, wildcards, `"null"` and paths are refused. (core/origin.go ParseOrigin)
   */
  softphoneOrigin: string;
  /** Goes into every request's `source` (the vendor page's `<<app-name-broadcasting-this-message>>`). Default `"ctibridge"`. */
  source?: string;
  /** A request with no reply fails with reason `TIMEOUT` after this many ms. Default 10000; more than 0, at most one day. */
  timeoutMs?: number;
}

/** Options of `load({role: "softphone"})`. Mirrors wasm/softphone.go newSoftphone. */
export type SoftphoneLoadOptions = SoftphoneAttachOptions | SoftphoneInitOptions;

/** Softphone options both forms share. */
export interface SoftphoneCommonOptions extends CommonLoadOptions {
  role: "softphone";
  /**
   * The CRM pages allowed to embed this softphone, send it requests and receive its events: exact origins,
   * at least one. Events are posted to the parent window with its exact origin as `targetOrigin`, never `"*"`.
   * (core/origin.go ParseOrigins)
   */
  crmOrigins: string[];
  /**
   * The contact attributes the CRM receives, by name, as Amazon Connect spells them (case-sensitive): in each
   * call event's `ExtendedCallVariables` and in InboundCall/StateSync's `attributes`. Default none. Attributes are
   * personal data (an account number, what the caller keyed in): list only what the CRM needs. The others are never
   * read out of Streams. Each name a non-empty string, else load() rejects. (core/attributes.go AttributeAllowlist)
   */
  contactAttributes?: string[];
  /** The amazon-connect-streams `connect` object. Default: the global `connect` of Streams' `<script>`. */
  connect?: object;
  /**
   * The instance's logout endpoint, which the vendor's Logout loads in a hidden frame. Default: `/connect/logout`
   * on `ccpUrl`'s origin. Absolute http(s).
   */
  logoutUrl?: string;
}

/** The softphone starts Streams: `connect.core.initCCP(container, {ccpUrl, loginPopup: false, ...streams})`. */
export interface SoftphoneInitOptions extends SoftphoneCommonOptions {
  /** Default true: the bridge calls `connect.core.initCCP`. */
  initCCP?: true;
  /**
   * The CCP: `https://<instance>.my.connect.aws/ccp-v2/`, or the CCP emulator's URL. Absolute, and without any
   * `%` (Streams logs it as a sprintf format string, and a percent escape makes initCCP throw).
   */
  ccpUrl: string;
  /** The element initCCP puts the CCP iframe in. */
  container: HTMLElement;
  /**
   * Extra `connect.core.initCCP` parameters, merged (Object.assign) over the bridge's `{ccpUrl, loginPopup: false}`.
   * `loginUrl` is also the login window the vendor's Login opens for a signed-out agent (default: `ccpUrl`).
   */
  streams?: StreamsInitOptions;
}

/** The page started Streams itself (before or after load()); the bridge attaches to it. */
export interface SoftphoneAttachOptions extends SoftphoneCommonOptions {
  initCCP: false;
  /**
   * The CCP URL the page gave initCCP. Optional here, but pass it: it is how the bridge recognises (and ignores)
   * the CCP's own messages; without it each of them is counted as a `WRONG_ORIGIN` diagnostic.
   */
  ccpUrl?: string;
}

/** A few of `connect.core.initCCP`'s parameters (amazon-connect-streams' README); any other is passed through. */
export interface StreamsInitOptions {
  region?: string;
  loginPopup?: boolean;
  loginPopupAutoClose?: boolean;
  loginUrl?: string;
  softphone?: { allowFramedSoftphone?: boolean; disableRingtone?: boolean; ringtoneUrl?: string; [key: string]: unknown };
  pageOptions?: { enableAudioDeviceSettings?: boolean; enablePhoneTypeSettings?: boolean; [key: string]: unknown };
  ccpAckTimeout?: number;
  ccpSynTimeout?: number;
  ccpLoadTimeout?: number;
  [key: string]: unknown;
}

/** What a page that uses the classic build finds in `window.ctibridge` (ctibridge.classic.js). */
export interface CtiBridgeGlobal {
  load: typeof load;
  selfTest: typeof selfTest;
}

// ---------------------------------------------------------------------------------------------------------
// Bridges

/** A function that removes the callback it was returned for. Calling it again does nothing. */
export type Unsubscribe = () => void;

/**
 * The CRM role (wasm/crm.go): sends requests to the softphone, checks every envelope it receives, keeps the call
 * state and calls the page's callbacks.
 *
 * Every control method checks the control's button in the call bar of the state the bridge holds
 * ({@link CrmBridge.buttons}); one that is not `Enable` rejects at once with reason `NOT_ALLOWED` and nothing is
 * sent. A bridge that holds no state yet (no call event, snapshot or agent state has arrived) sends the request
 * and lets the softphone decide (core/crm.go Begin). Otherwise the request is posted immediately (calls made in
 * a row are sent in that order) and the Promise settles with the reply, the error envelope, or reason `TIMEOUT`
 * after `timeoutMs`. Every rejection is a
 * {@link BridgeError} whose `type` is the control's `*_FAILED` type. The controls mirror core/controls.go Controls.
 */
export interface CrmBridge {
  readonly role: "crm";
  /**
   * Answers the ringing call (subtopic `Answer`, error type `ANSWER_CALL_FAILED`). Resolves with the message of
   * the event in which the agent's connection became `connected` ({@link InboundCallStateChangeMessage}); when
   * that state arrived in a resynchronisation, the same message is built from the snapshot's agent leg
   * (core/crm.go applySnapshotLocked). Rejects with reason `CALL_ENDED` if the agent's leg ends first. A second
   * call while one is pending returns the same outcome without a second request.
   */
  answerCall(): Promise<AnswerResult>;
  /** Rejects the ringing call. Subtopic `Reject`, error type `REJECT_CALL_FAILED`. */
  rejectCall(): Promise<AckMessage>;
  /**
   * Hangs up (subtopic `Disconnect`, `DISCONNECT_CALL_FAILED`). Without a target: on a two-party call the agent
   * leaves; with a third party live, the last party whose disconnect button is `Enable` is dropped. With
   * `{connectionId}`, that party's leg. `data` carries the connection id (the agent's own by default, as the
   * vendor's sample sends it). Against a softphone that sends no acknowledgement, it resolves with the event
   * showing the leg disconnected.
   */
  disconnectCall(target?: ConnectionTarget): Promise<AckMessage>;
  /**
   * Holds a party (subtopic `Hold`, `HOLD_CALL_FAILED`): `{connectionId}`, else the first connected party (the
   * customer first); `data` carries the connection id (the agent's own by default). Against a softphone that
   * sends no acknowledgement, it resolves with the event showing the party on hold.
   */
  holdCall(target?: ConnectionTarget): Promise<AckMessage>;
  /** Resumes a held party (subtopic `Resume`, `RESUME_CALL_FAILED`): `{connectionId}`, else the first one on hold. */
  resumeCall(target?: ConnectionTarget): Promise<AckMessage>;
  /** Clears the contact after the call (subtopic `ClearContact`, `CLEAR_CONTACT_FAILED`). */
  clearContact(): Promise<AckMessage>;
  /**
   * Sends DTMF digits on the agent's leg (subtopic `SendDTMF` with the digits as `data`; `SEND_DTMF_FAILED`,
   * "Failed to send DTMF.", button `numberpad`):
   * 1 to 64 of `0-9 * #` and `,` (a pause); anything else rejects with reason `INVALID_ARGUMENT`. The vendor's
   * softphone sends no event for digits: against it the Promise resolves with `null` once the request is posted.
   */
  sendDigits(digits: string): Promise<AckMessage>;
  /**
   * Adds a third party (subtopic `Consult`, `CONSULT_FAILED`): an E.164 number (`"+15555550100"` or
   * `{phoneNumber}`), or a quick connect by name (`{quickConnect}`). The customer is put on hold by Amazon Connect.
   */
  consult(target: ConsultTarget): Promise<AckMessage>;
  /** Swaps the connected and the held party (subtopic `Swap`, `SWAP_FAILED`). */
  swap(): Promise<AckMessage>;
  /** Leaves the call, leaving the two parties connected (subtopic `Transfer`, `TRANSFER_FAILED`). */
  transfer(): Promise<AckMessage>;
  /** Joins every party in one conference (subtopic `Conference`, `CONFERENCE_FAILED`). */
  conference(): Promise<AckMessage>;
  /**
   * Sets the agent's state by name (`"Available"`, `"Offline"`, a "Not Ready" state of the routing profile).
   * Sent as the vendor's `UpdateState {label: name, code: name}` (topic `Agent`); error type
   * `UPDATE_AGENT_STATE_FAILED`, or `AGENT_STATE_NOT_FOUND` for a state the agent does not have. Resolves with
   * the `SetAgentState` event of the change.
   */
  setAgentState(name: string): Promise<AckMessage>;
  /**
   * Dials out (topic `InboundCall`, subtopic `SetMakeCall`, `MAKE_CALL_FAILED`, agent button `make_call`): an
   * E.164 number or a Streams endpoint object (a quick connect). Resolves with the new contact's first
   * `InboundCallStateChange` message.
   */
  makeCall(numberOrEndpoint: string | VendorEndpoint): Promise<InboundCallStateChangeMessage>;
  /**
   * Transfers the call and leaves it (subtopic `Blindtransfer`, `BLIND_TRANSFER_FAILED`): a number or a quick
   * connect. Resolves with the event in which the agent's leg ends.
   */
  blindTransfer(target: string | VendorEndpoint): Promise<InboundCallStateChangeMessage>;
  /** Mutes the agent (topic `Agent`, subtopic `Mute`, agent button `mute`). Resolves with the `SetAgentState` showing it muted. */
  mute(): Promise<SetAgentStateMessage>;
  /** Unmutes the agent (subtopic `Unmute`, an extension; agent button `unmute`). Resolves with the `SetAgentState` showing it unmuted. */
  unmute(): Promise<SetAgentStateMessage>;
  /**
   * Sets a not-ready state by name (subtopic `SetNotReady`, data `{ReasonCodeId}`, agent button `NotReady`).
   * Resolves with the `SetAgentState` event of that state; rejects with `AGENT_STATE_NOT_FOUND` or
   * `UPDATE_AGENT_STATE_FAILED` from the softphone.
   */
  setNotReady(reasonCodeId: string): Promise<SetAgentStateMessage>;
  /**
   * Sets the agent's state (subtopic `UpdateState`, data `{label, code, type}`; type `routable` makes the agent
   * available: agent button `Ready`, else `NotReady`). Resolves with the `SetAgentState` event of that state.
   */
  updateState(state: { label?: string; code?: string; type?: string }): Promise<SetAgentStateMessage>;
  /** Asks for the agent's state (subtopic `GetAgentState`): resolves with the next `SetAgentState` message. */
  getAgentState(): Promise<SetAgentStateMessage>;
  /** Starts the agent's session (subtopic `Login`): resolves with the `LoginSuccess` message. */
  login(): Promise<AgentSyncMessage>;
  /** Ends the agent's session (subtopic `Logout`): resolves with the `LogoutSuccess` message. */
  logout(): Promise<AgentSyncMessage>;
  /**
   * Asks for the state of one topic (subtopic `StateSync`; default `InboundCall`): resolves with that topic's
   * `StateSync` message.
   */
  stateSync(topic?: "App" | "Agent" | "InboundCall"): Promise<AppStateSyncMessage | AgentSyncMessage | CallStateSyncMessage>;
  /** The call bar of the state the bridge holds: every button's state, with the reason for it (core/crm.go MarshalCallBar). */
  buttons(): CallBar;
  /** The agent's last reported state, or null before the softphone reported one. */
  agentState(): AgentState | null;
  /** Counts of the diagnostics so far, by reason, and the number of live callbacks. */
  diagnostics(): DiagnosticsCounts;
  /**
   * The flight recorder: the last envelopes in and out, call bar changes and diagnostics, phone numbers masked,
   * oldest first; `JSON.stringify` it for a support ticket. Null if it cannot be exported.
   */
  flightRecorder(): FlightRecording | null;
  /**
   * Tells what blocks the bridge on this page: waits up to 3 s for the softphone, then reports on the module,
   * the softphone frame and Amazon Connect behind it (wasm/selftest.go). Never rejects for a failed check.
   */
  selfTest(): Promise<SelfTestReport>;
  /** Every call event: one per state change of every connection of the contact, in Streams' order. */
  on(name: "InboundCallStateChange", callback: (message: InboundCallStateChangeMessage) => void): Unsubscribe;
  /** Every change of the agent's state. */
  on(name: "AgentStateChange", callback: (message: AgentStateChangeMessage) => void): Unsubscribe;
  /**
   * The softphone's full state, after a (re)start, a reload or lost envelopes: it replaces the state held. With
   * no call, `calls` is absent; when a contact goes away (cleared), a Snapshot without calls follows the
   * disconnected events of its legs.
   */
  on(name: "Snapshot", callback: (message: SnapshotMessage) => void): Unsubscribe;
  /** The vendor's agent event: every change of the agent's state or mute, and the reply to the agent's requests. */
  on(name: "SetAgentState", callback: (message: SetAgentStateMessage) => void): Unsubscribe;
  /** The agent's session started (the reply to `login()`). */
  on(name: "LoginSuccess", callback: (message: AgentSyncMessage) => void): Unsubscribe;
  /** The agent's session ended (the reply to `logout()`). */
  on(name: "LogoutSuccess", callback: (message: AgentSyncMessage) => void): Unsubscribe;
  /** The reply to a StateSync of any of the three topics; the message's shape tells which. */
  on(name: "StateSync", callback: (message: AppStateSyncMessage | AgentSyncMessage | CallStateSyncMessage) => void): Unsubscribe;
  /** The CCP's own agent state, when it differs from what the CRM asked for. */
  on(name: "CcpAgentState", callback: (message: { name: string; type: string }) => void): Unsubscribe;
  /** A message refused or an anomaly seen; it changed nothing. */
  on(name: "diagnostic", callback: (diagnostic: Diagnostic) => void): Unsubscribe;
  /**
   * Stops the bridge: pending requests reject with reason `CLOSED` (later ones too), the `message` listener is
   * removed and every callback dropped. Calling it again does nothing.
   */
  close(): void;
}

/** The softphone role (wasm/softphone.go): runs next to Streams in the softphone iframe. */
export interface SoftphoneBridge {
  readonly role: "softphone";
  /** A request refused (origin, window, shape, version) or a Streams snapshot that could not be read. */
  on(name: "diagnostic", callback: (diagnostic: Diagnostic) => void): Unsubscribe;
  /** Counts of the diagnostics so far, by reason, and the number of live callbacks. */
  diagnostics(): DiagnosticsCounts;
  /** The flight recorder, as {@link CrmBridge.flightRecorder}. */
  flightRecorder(): FlightRecording | null;
  /** Stops listening to the CRM and to Streams; Streams itself keeps running. Calling it again does nothing. */
  close(): void;
}

/** What `answerCall()` resolves with. */
export type AnswerResult = InboundCallStateChangeMessage;

/** The party leg a hold, resume or disconnect acts on: `ResponseActual.connectionId` of one of its events. */
export interface ConnectionTarget {
  connectionId?: string;
}

/** Whom `consult()` dials. */
export type ConsultTarget = string | { phoneNumber: string } | { quickConnect: string };

/** The acknowledgement a successful control other than answerCall resolves with: the reply's `message`. */
export interface AckMessage {
  source: "event";
}

/** `{counts: {REASON: n}, listeners: n}` (wasm/options.go diagnosticsValue). */
export interface DiagnosticsCounts {
  counts: Partial<Record<DiagnosticReason, number>>;
  /** The number of callbacks registered with `on()` and not unsubscribed. */
  listeners: number;
}

/** What `flightRecorder()` returns. Mirrors core/recorder.go Export. */
export interface FlightRecording {
  /** Oldest first; at most 200 (core/recorder.go RecorderSize). */
  entries: FlightRecorderEntry[];
  /** The number of entries. */
  size: number;
}

/** One entry of the flight recorder. */
export type FlightRecorderEntry =
  | { at: string; kind: "in" | "out"; data: Envelope }
  | { at: string; kind: "buttons"; data: CallBar }
  | { at: string; kind: "diagnostic"; data: Diagnostic };

/** What `selfTest()` resolves with. Mirrors wasm/selftest.go. */
export interface SelfTestReport {
  /** True when every check passed. */
  ok: boolean;
  checks: SelfTestCheck[];
}

/** One check of `selfTest()`. */
export interface SelfTestCheck {
  /** `webassembly`: the module runs; `softphone`: the softphone frame answers; `streams`: Amazon Connect reports the agent. */
  name: "webassembly" | "softphone" | "streams";
  ok: boolean;
  /** What was found, and what to check when it failed. */
  detail: string;
}

// ---------------------------------------------------------------------------------------------------------
// Errors

/**
 * What a bridge's Promise rejects with (wasm/js.go newError): a real `Error` whose `message` is the vendor's
 * fixed text (`"Answering call failed."`), plus the error envelope's `type` and `code` and ctibridge's `reason`.
 * `cause` is left to ES2022's chained errors: a bridge error has none.
 */
export interface BridgeError extends Error {
  /** The `*_FAILED` type of the control, or `INTERNAL_ERROR`. */
  type: BridgeErrorType;
  /** Amazon Connect's failure message (reason `AMAZON_CONNECT`), else a sentence saying why Amazon Connect was not asked. */
  code: string;
  /**
   * Which kind of failure: the error envelope's `error.cause`. `""` when a softphone's error envelope carried
   * none (a vendor-page softphone).
   */
  reason: Cause | "";
}

/**
 * What `load()` rejects with: web/ctibridge.js loadError (the module could not start) or wasm/register.go (the
 * role refused to start).
 */
export interface LoadError extends Error {
  type: "LOAD_FAILED";
  /** The same text as `message`. */
  code: string;
  /**
   * Set when the role refused to start (wasm/register.go, core/errors.go LoadError): `INVALID_ARGUMENT` for an
   * option the page got wrong, `NOT_READY` when Amazon Connect Streams cannot start in the frame (storage
   * blocked, initCCP failed). Absent when the loader failed.
   */
  reason?: LoadErrorReason;
  /**
   * From the loader only, the chained error (ES2022): the failed fetch, the CompileError, or the module's own
   * error when it refused to start (for example ctibridge.js and ctibridge.wasm of different versions).
   */
  cause?: unknown;
}

/** A Streams endpoint, as the vendor's pages send it for SetMakeCall and Blindtransfer (either key spelling). */
export interface VendorEndpoint {
  endpointARN?: string;
  EndpointARN?: string;
  endpointId?: string;
  type?: string;
  Type?: string;
  name?: string;
  Name?: string;
  phoneNumber?: string;
  phonenumber?: string;
  agentLogin?: string;
  Queue?: string;
}

/** The agent's five buttons, as the vendor's agent messages carry them. */
export interface AgentRules {
  ButtonStates: { items: Partial<Record<"NotReady" | "Ready" | "make_call" | "mute" | "unmute", "Enable" | "Disable" | "Hide">>; count: number };
  ResponseActual: { agentStateARN: string | null; type: string; name: string; startTimestamp: string | null };
}

/** message of Agent/SetAgentState (core/vendor.go SetAgentStateMessage). */
export interface SetAgentStateMessage {
  rules: AgentRules | "" | null;
  data: {
    muted: boolean;
    name: string;
    extension: string;
    loginName: string;
    softphoneEnabled: boolean;
    state: "Ready" | "Not_Ready" | "Offline" | string;
    reasonCode?: { id: string };
    stateChangeTime: string;
    type: string;
  };
  event: string;
  source: "event";
}

/** message of Agent/LoginSuccess, LogoutSuccess and StateSync (core/vendor.go AgentSyncMessage, LogoutMessage). */
export interface AgentSyncMessage {
  loginState: "LoggedOut" | "LoggingIn" | "LoggingOut" | "LoggedIn";
  agentInfo: { name: string; id?: string; extension: string; loginName: string; muted: boolean; softphoneEnabled: boolean } | null;
  agentState: AgentRules["ResponseActual"] | null;
  rules: AgentRules | "" | null;
}

/** message of App/StateSync. */
export interface AppStateSyncMessage {
  initState: "None" | "Loading" | "Loaded";
}

/** message of InboundCall/StateSync (core/vendor.go CallStateSyncMessage). */
export interface CallStateSyncMessage {
  /** ANI, DNIS (null when unknown), then the contact attributes the softphone's `contactAttributes` allows. */
  attributes: { name: string; value: string | null }[];
  queueName: string | null;
  queueTimestamp: string | null;
  calls: {
    connectionId: string;
    contactId: string;
    phoneNumber: string | null;
    status: string;
    statusTimestamp: string;
    type: string;
    buttonStates: Record<string, boolean>;
  }[];
}

/** `LoadError.reason`. Mirrors core/errors.go LoadCauses. */
export type LoadErrorReason = "INVALID_ARGUMENT" | "NOT_READY";

/** Error types of the call controls. Mirrors core/controls.go Controls (ErrorType). */
export type ControlErrorType =
  | "ANSWER_CALL_FAILED"
  | "REJECT_CALL_FAILED"
  | "DISCONNECT_CALL_FAILED"
  | "HOLD_CALL_FAILED"
  | "RESUME_CALL_FAILED"
  | "CLEAR_CONTACT_FAILED"
  | "CONSULT_FAILED"
  | "SEND_DTMF_FAILED"
  | "SWAP_FAILED"
  | "TRANSFER_FAILED"
  | "CONFERENCE_FAILED";

/**
 * Error types of the vendor's other requests (core/requests.go Requests; where the vendor publishes none, ours
 * in its pattern). `setAgentState` rejects with `UpdateState`'s; an agent state the agent does not have is
 * `AGENT_STATE_NOT_FOUND`.
 */
export type VendorErrorType =
  | "AGENT_STATE_NOT_FOUND"
  | "BLIND_TRANSFER_FAILED"
  | "GET_AGENT_STATE_FAILED"
  | "LOGIN_FAILED"
  | "LOGOUT_FAILED"
  | "MAKE_CALL_FAILED"
  | "MUTE_FAILED"
  | "STATE_SYNC_FAILED"
  | "UNMUTE_FAILED"
  | "UPDATE_AGENT_STATE_FAILED";

/** Error types on the wire. Mirrors core/controls.go Controls and core/requests.go Requests. */
export type ErrorType = ControlErrorType | VendorErrorType;

/** Error types a bridge rejects with: the wire's, plus core/errors.go ErrorTypeInternal (a bug in ctibridge). */
export type BridgeErrorType = ErrorType | "INTERNAL_ERROR";

/** Why a request failed: a bridge error's `reason`, the wire's `error.cause`. Mirrors core/errors.go Cause. */
export type Cause =
  /** Amazon Connect refused the action; `code` is its message. */
  | "AMAZON_CONNECT"
  /** The control's button is not `Enable` in the current ButtonStates; nothing reached Streams. */
  | "NOT_ALLOWED"
  /** No reply within `timeoutMs`. */
  | "TIMEOUT"
  /** Malformed arguments (digits that are not DTMF, a number that is not E.164, an unknown connection). */
  | "INVALID_ARGUMENT"
  /** The softphone reloaded while the request was pending. */
  | "SOFTPHONE_RELOADED"
  /** The bridge was closed. */
  | "CLOSED"
  /** The request could not be posted: the softphone's iframe was removed from the page (or, if `softphone` was its window, moved). */
  | "TRANSPORT"
  /** The call ended before the request completed (missed or hung up while answering). */
  | "CALL_ENDED"
  /** The softphone has not connected to Amazon Connect yet. */
  | "NOT_READY"
  /** A bug in ctibridge, reported instead of crashing; also a load() option the role refused. */
  | "INTERNAL";

// ---------------------------------------------------------------------------------------------------------
// Diagnostics

/** One thing the page should know about. Never contains phone numbers. Mirrors core/diagnostics.go Diagnostic. */
export interface Diagnostic {
  reason: DiagnosticReason;
  /** The sender's origin, where there is one. */
  origin?: string;
  detail?: string;
}

/** Mirrors core/diagnostics.go (the Reason constants of rejected messages and anomalies). */
export type DiagnosticReason =
  /** event.origin is not one of the configured origins. */
  | "WRONG_ORIGIN"
  /** event.source is not the partner window. */
  | "WRONG_SOURCE"
  /** The data is neither a JSON string nor a plain object. */
  | "NOT_JSON"
  /** JSON, but malformed or a field of the wrong type. */
  | "BAD_SHAPE"
  /** Over 64 KiB. */
  | "TOO_LARGE"
  /** Nested deeper than 8. */
  | "TOO_DEEP"
  /** Unknown channel, topic or subtopic. */
  | "UNKNOWN_TOPIC"
  /** A valid envelope this role does not accept (a request sent to a CRM, an event sent to a softphone). */
  | "UNEXPECTED"
  /** A reply to no pending request. */
  | "UNKNOWN_REQUEST"
  /** Older than the state already held for that connection. */
  | "STALE_EVENT"
  /** Envelopes were lost; a snapshot was requested. */
  | "SEQUENCE_GAP"
  /** The softphone reloaded (new epoch); pending requests failed with SOFTPHONE_RELOADED. */
  | "PEER_RELOADED"
  /** The softphone could not start (or refused this CRM's protocol version); `detail` says why. Requests fail with NOT_READY. */
  | "SOFTPHONE_FAILED"
  /** An event's ButtonStates differ from the table for the state it reports. */
  | "BUTTONSTATES_DRIFT"
  /** The peer speaks another protocol version (`v`); a CRM then fails every request with NOT_READY. */
  | "VERSION_MISMATCH"
  /** A bug, recovered; the bridge keeps working. */
  | "PANIC";

// ---------------------------------------------------------------------------------------------------------
// ButtonStates and the call bar

/** The 11 buttons, in wire order. Mirrors core/buttons.go Button. */
export type ButtonName =
  | "answer"
  | "reject"
  | "disconnect"
  | "hold"
  | "resume"
  | "clearContact"
  | "consult"
  | "numberpad"
  | "swap"
  | "transfer"
  | "conference";

/** How a CRM shows a button. Mirrors core/buttons.go ButtonState. */
export type ButtonState = "Hide" | "Disable" | "Enable";

/** `ButtonStates.items`: one state per button. */
export interface ButtonStateItems {
  answer: ButtonState;
  reject: ButtonState;
  disconnect: ButtonState;
  hold: ButtonState;
  resume: ButtonState;
  clearContact: ButtonState;
  consult: ButtonState;
  numberpad: ButtonState;
  swap: ButtonState;
  transfer: ButtonState;
  conference: ButtonState;
}

/** `message.call.ButtonStates` (core/wire_json.go). */
export interface ButtonStates {
  items: ButtonStateItems;
  /** Always 11. */
  count: 11;
}

/** `ResponseActual.buttonStates`: true where the button is `Enable` (core/wire_json.go ButtonFlags). */
export type ButtonFlags = { [B in ButtonName]: boolean };

/** Why a button has its state. Mirrors core/buttons.go (the Reason constants of Decide). */
export type ButtonReason =
  | "AGENT_RINGING"
  | "AGENT_CONNECTED"
  | "AFTER_CALL"
  | "PARTY_CONNECTED"
  | "PARTY_ON_HOLD"
  | "PARTY_DIALLING"
  | "TWO_PARTIES"
  | "CONNECTION_CONNECTING"
  | "CONNECTION_DISCONNECTED"
  | "CONNECTION_ON_HOLD"
  | "NOT_ON_HOLD"
  | "ALREADY_ANSWERED"
  | "AGENT_NOT_CONNECTED"
  | "CONSULT_IN_PROGRESS"
  | "NO_SECOND_PARTY"
  | "NOTHING_ON_HOLD"
  | "NO_PARTY_TALKING"
  | "THIRD_PARTY_DIALLING"
  | "CALL_ACTIVE"
  | "PARTY_LEG"
  | "AGENT_LEG"
  | "NO_CONTACT"
  | "UNSUPPORTED_STATE";

/** One button of the explained call bar. */
export interface CallBarButton {
  state: ButtonState;
  reason: ButtonReason;
}

/**
 * The call bar `buttons()` returns: every connection's ButtonStates merged (a button is `Enable` if any leg's
 * event enables it, else `Disable` if any disables it, else `Hide`), each with the reason of the leg that decided.
 * Mirrors core/buttons.go Aggregate.
 */
export type CallBar = { [B in ButtonName]: CallBarButton };

// ---------------------------------------------------------------------------------------------------------
// Call events (message.call), field for field as the vendor's Answer Call sample

/** A connection's state, `connection.getStatus().type`. Mirrors core/state.go ConnectionState (connect.ConnectionStateType). */
export type ConnectionState = "init" | "connecting" | "connected" | "hold" | "disconnected" | "silent_monitor" | "barge";

/** Whose leg a connection is, `connection.getType()`. Mirrors core/state.go ConnectionType (connect.ConnectionType). */
export type ConnectionType = "agent" | "inbound" | "outbound" | "monitoring";

/** `message.call` of an InboundCallStateChange event. Mirrors core/wire.go CallEvent. */
export interface CallEvent {
  /** The buttons of the reported leg (core/buttons.go Decide). */
  ButtonStates: ButtonStates;
  /** Null from a ctibridge softphone; a vendor peer may send any JSON value, which is passed on as sent (core/wire.go RawJSON). */
  ActionsAllowed: JSONValue;
  /** 0 (core/wire.go ResponseTypeSuccess). */
  ResponseType: number;
  /** "Success" (core/wire.go ResponseTextSuccess). */
  ResponseText: string;
  /** The connection whose state changed. */
  ResponseActual: ResponseActual;
  CallVariables: CallVariables;
  /**
   * From a ctibridge softphone, the contact attributes its `contactAttributes` option allows, as an object of
   * strings (`{"customerId": "C-1043"}`), or null when the contact has none of them. A vendor peer may send any
   * JSON value here, which is passed on as sent (core/wire.go RawJSON).
   */
  ExtendedCallVariables: JSONValue;
  ResponseFields: ResponseFields;
  /** The connection's id, as ResponseActual.connectionId. */
  id: string;
  /**
   * The connection's new state, as ResponseActual.status, from a ctibridge softphone. A vendor softphone writes
   * its own words for an ended leg ({@link VendorEventWord}); the CRM reads the state from ResponseActual.status.
   */
  event: ConnectionState | VendorEventWord;
  /** The connection's type, as ResponseActual.type: lower case from a ctibridge softphone, `"Agent"` in some vendor pages. */
  CallType: string;
}

/**
 * The words a vendor softphone puts in `event` when a leg ends (its status is then `disconnected`): the agent's
 * leg `missed` (never answered), `Rejected` (the agent rejected it) or `ACW` (it had been connected: after-call
 * work); a party's leg `Dropped`. ctibridge's softphone sends the status instead.
 */
export type VendorEventWord = "ACW" | "missed" | "Rejected" | "Dropped";

/** Any JSON value. */
export type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

/** Mirrors core/wire.go ResponseActual. */
export interface ResponseActual {
  connectionId: string;
  contactId: string;
  /** The connection's endpoint number in E.164; null for the agent's own leg. */
  phoneNumber: string | null;
  status: ConnectionState;
  /** `Date.prototype.toISOString()` form: `2020-04-09T09:14:58.955Z`. */
  statusTimestamp: string;
  type: ConnectionType;
  buttonStates: ButtonFlags;
  previousStatus: ConnectionState;
}

/** Mirrors core/wire.go CallVariables. */
export interface CallVariables {
  /** The customer's number, E.164, or null when unknown. */
  ANI: string | null;
  /** The number dialled, E.164, or null when unknown. */
  DNIS: string | null;
}

/** Mirrors core/wire.go ResponseFields. */
export interface ResponseFields {
  /** Third parties (consult or conference legs); empty on a two-party call. */
  Participants: Participant[];
  MediaProperties: MediaProperties;
  /** Null from a ctibridge softphone; any JSON value from a vendor peer, passed on as sent (core/wire.go RawJSON). */
  fromAddress: JSONValue;
  CallState: ConnectionState;
  Type: ConnectionType;
  CurrentStateTime: string;
  /** Always "". */
  Campaign: string;
  /** The queue name, as MediaProperties.queueName. */
  DN: string;
}

/** Mirrors core/wire.go Participant. */
export interface Participant {
  connectionId: string;
  type: ConnectionType;
  status: ConnectionState;
  phoneNumber: string | null;
}

/** Mirrors core/wire.go MediaProperties. */
export interface MediaProperties {
  callType: ConnectionType;
  queueName: string;
  queueTimestamp: string | null;
}

/** An agent state as the vendor page's Message Parameters table describes it. Mirrors core/wire.go AgentStateMessage. */
export interface AgentState {
  /** The state's name: "Available", "Not Ready", "Offline", or a system state such as "PendingBusy", "Busy", "AfterCallWork". */
  label: string;
  /** The same name. */
  code: string;
  /** The state's routability. */
  type: AgentStateTypeLabel;
}

/** `AgentState.type`. Mirrors core/softphone.go AgentStateOf. */
export type AgentStateTypeLabel = "Routable" | "Not Routable" | "Offline" | "System" | "Error" | "Init";

// ---------------------------------------------------------------------------------------------------------
// Messages (the envelope's "message", as callbacks and Promises receive it)

/** Every message a softphone posts says `source: "event"` (core/wire.go SourceEvent). */
export type EventSource = "event";

/** The message of an InboundCallStateChange event: what `on("InboundCallStateChange")` callbacks receive. */
export interface InboundCallStateChangeMessage {
  call: CallEvent;
  source: EventSource;
}

/** The message of an AgentStateChange event. */
export interface AgentStateChangeMessage {
  source: EventSource;
  agent: AgentState;
}

/** The message of a Snapshot: the agent (absent until Streams reported one) and one call event per connection. */
export interface SnapshotMessage {
  source: EventSource;
  agent?: AgentState;
  /** Absent when there is no call. */
  calls?: CallEvent[];
}

/** The message of an error reply. */
export interface ErrorMessage {
  source: EventSource;
  error: WireError;
}

/** An error envelope's `message.error`, as in the vendor page's Possible Error Cases. Mirrors core/wire.go WireError. */
export interface WireError {
  type: ErrorType;
  /** The Amazon Connect failure message, or why Amazon Connect was not asked. */
  code: string;
  /** The vendor's fixed text, e.g. "Answering call failed.". */
  message: string;
  /** ctibridge extension: the failure's category, which the CRM's error exposes as `reason`. */
  cause?: Cause;
}

// ---------------------------------------------------------------------------------------------------------
// Envelopes (window.postMessage data, JSON text)

/** The envelope's channel: always "Amazon". Mirrors core/wire.go ChannelAmazon. */
export type Channel = "Amazon";

/** Topics. Mirrors core/wire.go TopicInboundCall, core/decode.go TopicBridge, TopicAgent and core/vendor.go TopicApp, TopicOutboundCall (the vendor's topics: see docs/wire.md). */
export type Topic = "InboundCall" | "Agent" | "App" | "OutboundCall" | "Bridge";

/** Subtopics of call-control requests and their replies. Mirrors core/controls.go Controls (Subtopic). */
export type ControlSubtopic =
  | "Answer"
  | "Reject"
  | "Disconnect"
  | "Hold"
  | "Resume"
  | "ClearContact"
  | "Consult"
  | "SendDTMF"
  | "Swap"
  | "Transfer"
  | "Conference";

/** The version of ctibridge's extensions. Mirrors core/decode.go ProtocolVersion. */
export type ProtocolVersion = 1;

/**
 * ctibridge's optional envelope fields (core/wire.go Envelope). A vendor-page peer never sends them and may
 * ignore them; an envelope without them is valid.
 */
export interface EnvelopeExtensions {
  /** Chosen by the CRM for each request (`<epoch>-<n>`); echoed on the reply and on the event that completes an answer. */
  requestId?: string;
  /** One life of the sending window; changes when it reloads. Every softphone envelope and the CRM's Hello carry it. */
  epoch?: string;
  /** The softphone's envelopes are numbered from 1 within an epoch. */
  seq?: number;
  /** The sender's protocol version; absent (0) means a vendor-page peer. Another non-zero version is refused (VERSION_MISMATCH). */
  v?: ProtocolVersion;
}

/**
 * A request's arguments (`args`), which ctibridge CRMs sent before they sent the vendor's `data`: a softphone
 * still reads them. Mirrors core/wire.go RequestArgs.
 */
export interface RequestArgs {
  connectionId?: string;
  digits?: string;
  phoneNumber?: string;
  quickConnect?: string;
  agentState?: string;
}

/** A call-control request, CRM → softphone: exactly the vendor's sample request plus the optional extensions. */
export interface RequestEnvelope extends EnvelopeExtensions {
  channel: Channel;
  topic: "InboundCall";
  subtopic: ControlSubtopic;
  source: string;
  /**
   * The request's argument as the vendor's pages send it: a string (a connection id, a number, digits) or an
   * object (core/requests.go lists each request's shape).
   */
  data?: string | Record<string, unknown>;
  /** Earlier releases' arguments, still read by a softphone; a CRM of this release sends `data` only. */
  args?: RequestArgs;
}

/** The vendor's requests that are not call controls, CRM → softphone (core/requests.go Requests). */
export interface VendorRequestEnvelope extends EnvelopeExtensions {
  channel: Channel;
  topic: "App" | "Agent" | "InboundCall";
  subtopic: VendorRequestSubtopic;
  source?: string;
  /** `SetNotReady`: `{ReasonCodeId}`; `UpdateState`: `{label, code, type}`; `SetMakeCall`, `Blindtransfer`: a number or an endpoint object. */
  data?: string | Record<string, unknown>;
}

/** Subtopics of VendorRequestEnvelope, in both of the vendor's spellings where it has two. */
export type VendorRequestSubtopic =
  | "StateSync"
  | "Login"
  | "Logout"
  | "SetNotReady"
  | "UpdateState"
  | "Update"
  | "GetAgentState"
  | "GetStates"
  | "Mute"
  | "Unmute"
  | "SetMakeCall"
  | "Blindtransfer";

/** A SetAgentState request, CRM → softphone, as CRMs before this release sent it: a softphone still answers it. */
export interface SetAgentStateEnvelope extends EnvelopeExtensions {
  channel: Channel;
  topic: "Agent";
  subtopic: "SetAgentState";
  source: string;
  args: { agentState: string };
}

/**
 * The handshake, either way (extension): the CRM's carries `source`, `epoch` and `v`; the softphone's carries
 * `epoch`, `seq` and `v`. A softphone answers a Hello (or a Bridge/Snapshot request) with a Snapshot; a CRM
 * answers a softphone's Hello with a Hello. A softphone that could not start, or that refuses the CRM's
 * protocol version, says so in a Hello with `message.error` (core/softphone.go Fail, RefuseVersion).
 */
export interface HelloEnvelope extends EnvelopeExtensions {
  channel: Channel;
  topic: "Bridge";
  subtopic: "Hello";
  source?: string;
  message?: HelloFailureMessage;
}

/** The message of a softphone's Hello that reports a failure. */
export interface HelloFailureMessage {
  source: EventSource;
  error: {
    type: HelloErrorType;
    /** Why: the softphone's start-up error, or the two protocol versions. */
    code: string;
    /** "The softphone could not start." or "Protocol version mismatch." */
    message: string;
    /** NOT_READY for SOFTPHONE_FAILED; absent for VERSION_MISMATCH. */
    cause?: Cause;
  };
}

/** Error types of a softphone's failure Hello. Mirrors core/errors.go ErrorTypeSoftphoneFailed and ErrorTypeVersionMismatch. */
export type HelloErrorType = "SOFTPHONE_FAILED" | "VERSION_MISMATCH";

/** A request for the softphone's full state (extension): answered like a Hello. */
export interface SnapshotRequestEnvelope extends EnvelopeExtensions {
  channel: Channel;
  topic: "Bridge";
  subtopic: "Snapshot";
  source?: string;
}

/** A call event, softphone → CRM: exactly the vendor's sample response plus the optional extensions. */
export interface InboundCallStateChangeEnvelope extends EnvelopeExtensions {
  channel: Channel;
  topic: "InboundCall";
  subtopic: "InboundCallStateChange";
  message: InboundCallStateChangeMessage;
}

/** The agent's state changed, softphone → CRM (extension). */
export interface AgentStateChangeEnvelope extends EnvelopeExtensions {
  channel: Channel;
  topic: "Agent";
  subtopic: "AgentStateChange";
  message: AgentStateChangeMessage;
}

/** The softphone's full state, softphone → CRM (extension). */
export interface SnapshotEnvelope extends EnvelopeExtensions {
  channel: Channel;
  topic: "Bridge";
  subtopic: "Snapshot";
  message: SnapshotMessage;
}

/** A request failed, softphone → CRM: the vendor's error envelope, on the request's topic and subtopic. */
export interface ErrorEnvelope extends EnvelopeExtensions {
  channel: Channel;
  topic: "InboundCall" | "Agent";
  subtopic: ControlSubtopic | "SetAgentState";
  message: ErrorMessage;
}

/** A request succeeded, softphone → CRM (extension; only for requests that carry a requestId; never for Answer). */
export interface AckEnvelope extends EnvelopeExtensions {
  channel: Channel;
  topic: "InboundCall" | "Agent";
  subtopic: ControlSubtopic | "SetAgentState";
  requestId: string;
  message: AckMessage;
}

/** Everything a CRM posts. */
export type CrmEnvelope = RequestEnvelope | VendorRequestEnvelope | HelloEnvelope | SnapshotRequestEnvelope;

/** Everything a softphone posts. */
export type SoftphoneEnvelope =
  | InboundCallStateChangeEnvelope
  | AgentStateChangeEnvelope
  | SnapshotEnvelope
  | HelloEnvelope
  | ErrorEnvelope
  | AckEnvelope;

/** Every envelope of the protocol. */
export type Envelope = CrmEnvelope | SoftphoneEnvelope;
