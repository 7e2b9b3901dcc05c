/* On every page of a facilitator: install the service worker, keep the household opened on this
 * phone, bring the kept work up to date while there is a signal, show how much is kept and how
 * much waits, and remove it all at logout (issue 16). */
(function () {
  "use strict";
  var store = self.PPAOSOffline;
  if (!store || !("indexedDB" in self)) return;
  var words = store.strings();
  var status = document.getElementById("offline-status");

  function kb(bytes) { return Math.max(1, Math.round((bytes || 0) / 1024)) + " KB"; }

  function showStatus(message) {
    if (!status) return Promise.resolve();
    return Promise.all([store.get("bundle"), store.waitingCount()]).then(function (values) {
      var bundle = values[0];
      var waiting = values[1];
      status.textContent = "";
      var text = document.createElement("span");
      text.textContent = message || (bundle ? words.ready + " · " + bundle.households.length +
        " " + words.households_kept + " · " + kb(bundle.size) + " " + words.kept_size : "");
      status.appendChild(text);
      if (waiting) {
        var link = document.createElement("a");
        link.href = "/offline/#/outbox";
        link.setAttribute("data-testid", "offline-waiting");
        link.textContent = words.waiting + " " + waiting;
        status.appendChild(document.createTextNode(" "));
        status.appendChild(link);
        status.classList.add("has-waiting");
      } else {
        status.classList.remove("has-waiting");
      }
      status.hidden = !text.textContent && !waiting;
      status.setAttribute("data-ready", bundle ? "1" : "0");
    });
  }

  function keepHousehold() {
    var marker = document.querySelector("[data-offline-household]");
    if (!marker) return Promise.resolve();
    return store.pin(marker.getAttribute("data-offline-household")).then(function () {
      marker.textContent = words.kept_household;
      marker.hidden = false;
    });
  }

  function syncNow() {
    if (!navigator.onLine) return showStatus(words.offline_now);
    return store.sync().then(function () { return showStatus(); }, function () {
      return showStatus();
    }).then(function () {
      document.dispatchEvent(new CustomEvent("ppaos:synced"));
    });
  }

  function clearOnLogout() {
    var form = document.querySelector("form.logout-form");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-cleared") === "1") return;
      event.preventDefault();
      store.waitingCount().then(function (waiting) {
        if (waiting && !window.confirm(
          (words.logout_unsent || "").replace("%(count)s", String(waiting)))) {
          return;
        }
        store.wipe().finally(function () {
          form.setAttribute("data-cleared", "1");
          form.submit();
        });
      });
    });
  }

  clearOnLogout();
  store.checkUnused().then(function () {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    }
    return keepHousehold();
  }).then(store.needsSync).then(function (needed) {
    return needed ? syncNow() : showStatus(navigator.onLine ? "" : words.offline_now);
  });
  window.addEventListener("online", syncNow);
  window.addEventListener("offline", function () { showStatus(words.offline_now); });
  self.PPAOSOfflinePage = { showStatus: showStatus, syncNow: syncNow };
})();
