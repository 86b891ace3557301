// The CCP emulator's login window (login.html) and logout endpoint
// (logout.html). The instance's session is localStorage of the emulator's
// origin, under the key emulator.js reads: "in" or "out". The CCP frame hears
// a logout through the storage event and tells Streams; a sign-in is seen by
// the next CCP frame Streams loads, as on a real instance, whose CCP frame
// has left for the login page and comes back only when Streams reloads it.
"use strict";

(() => {
  const SESSION_KEY = "ccpEmulator.session"; // the same key as in emulator.js
  const status = document.getElementById("status");

  function write(value) {
    try {
      localStorage.setItem(SESSION_KEY, value);
      return true;
    } catch {
      return false; // storage blocked (a cross-site frame): the CCP frame cannot see this page
    }
  }

  if (document.body.dataset.page === "logout") {
    status.textContent = write("out") ? "Signed out." : "Storage is blocked here: the session is unchanged.";
    return;
  }

  const form = document.getElementById("sign-in");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!write("in")) {
      status.textContent = "Storage is blocked here: the session is unchanged.";
      return;
    }
    form.hidden = true;
    status.textContent = `Signed in as ${new FormData(form).get("username")}. The softphone connects at its next try; this window can be closed.`;
  });
})();
