// The demo CRM's configuration. A real CRM takes these values from its own configuration.
//
// softphoneUrl, softphoneOrigin: where the softphone page is, the values of `make demo`. The origin must be exact
// (no wildcards) and match the softphone page's crmOrigins.
//
// notReadyReasons, quickConnects: the vendor's messages carry neither list (SetAgentState names only the agent's
// current state), so the CRM lists what the Amazon Connect instance has, as the vendor's CRMs do. The values
// below are the CCP emulator's. notReadyReasons: the names of the instance's not-routable agent states, sent as
// SetNotReady's ReasonCodeId; a reason the agent picks in the CCP is added to the menu when a SetAgentState
// reports it. quickConnects: the instance's quick connects as the vendor's SetMakeCall and Blindtransfer take
// them (Type, Name, EndpointARN, and phonenumber for a number), from the Amazon Connect console.
export default {
  softphoneUrl: "http://127.0.0.1:8001/softphone.html",
  softphoneOrigin: "http://127.0.0.1:8001",
  notReadyReasons: ["Not Ready", "Lunch", "Break"],
  quickConnects: [
    {
      Type: "agent",
      Name: "Supervisor",
      EndpointARN: "arn:aws:connect:us-east-1:111122223333:instance/5d1c7a2e-8b3f-4e6a-9c0d-2f4b6a8c0e13/transfer-destination/0b9c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4",
    },
    {
      Type: "queue",
      Name: "Billing",
      EndpointARN: "arn:aws:connect:us-east-1:111122223333:instance/5d1c7a2e-8b3f-4e6a-9c0d-2f4b6a8c0e13/transfer-destination/1c2d3e4f-5a6b-4c7d-9e8f-90a1b2c3d4e5",
    },
    {
      Type: "phone_number",
      Name: "Outside line",
      EndpointARN: "arn:aws:connect:us-east-1:111122223333:instance/5d1c7a2e-8b3f-4e6a-9c0d-2f4b6a8c0e13/transfer-destination/2d3e4f5a-6b7c-4d8e-af90-a1b2c3d4e5f6",
      phonenumber: "+15555550199",
    },
  ],
};
