// Where the demo CRM finds its softphone: the values of `make demo`. A real CRM takes them from its own
// configuration; the origin must be exact (no wildcards) and match the softphone page's crmOrigins.
export default {
  softphoneUrl: "http://127.0.0.1:8001/softphone.html",
  softphoneOrigin: "http://127.0.0.1:8001",
};
