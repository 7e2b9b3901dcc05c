/* Field work without a signal (issue 16): what this phone keeps, in IndexedDB, and the sync.
 *
 * Stores: "kv" (the bundle from /api/v1/offline/bundle/, the households kept, when last used)
 * and "outbox" (each save made on the phone, in order, until the server has it). Keys are
 * household and survey ids (random UUIDs), never a national ID. Everything is removed at logout
 * and when the app is opened after the configured number of days unused.
 */
(function () {
  "use strict";
  var DB_NAME = "ppaos-offline";
  var DAY = 24 * 60 * 60 * 1000;
  var dbPromise = null;

  function open() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var db = request.result;
          db.createObjectStore("kv");
          db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result;
        var request = work(tx.objectStore(store));
        if (request) request.onsuccess = function () { result = request.result; };
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  var get = function (key) { return run("kv", "readonly", function (s) { return s.get(key); }); };
  var put = function (key, value) {
    return run("kv", "readwrite", function (s) { return s.put(value, key); });
  };
  var outbox = function () {
    return run("outbox", "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).sort(function (a, b) { return a.seq - b.seq; });
    });
  };
  var outboxPut = function (entry) {
    return run("outbox", "readwrite", function (s) { return s.put(entry); });
  };
  var outboxDelete = function (seq) {
    return run("outbox", "readwrite", function (s) { return s.delete(seq); });
  };

  /* Remove everything this site keeps on the phone: data, cached pages, the service worker. */
  function wipe() {
    var closing = dbPromise ? dbPromise.then(function (db) { db.close(); }) : Promise.resolve();
    dbPromise = null;
    return closing.then(function () {
      return new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      });
    }).then(function () {
      if (!self.caches) return null;
      return caches.keys().then(function (keys) {
        return Promise.all(keys.map(function (key) { return caches.delete(key); }));
      });
    }).then(function () {
      if (typeof navigator === "undefined" || !navigator.serviceWorker) return null;
      return navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (r) { return r.unregister(); }));
      });
    });
  }

  /* Opened after more days unused than allowed: remove everything first. */
  function checkUnused() {
    return Promise.all([get("lastUsed"), get("bundle")]).then(function (values) {
      var lastUsed = values[0];
      var maxDays = values[1] ? values[1].max_days_unused : 14;
      if (lastUsed && Date.now() - lastUsed > maxDays * DAY) {
        return wipe().then(function () { return true; });
      }
      return put("lastUsed", Date.now()).then(function () { return false; });
    });
  }

  function uuid() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function pinned() { return get("pinned").then(function (ids) { return ids || []; }); }

  function pin(householdId) {
    return pinned().then(function (ids) {
      if (ids.indexOf(householdId) !== -1) return null;
      ids.push(householdId);
      return get("bundle").then(function (bundle) {
        var max = (bundle && bundle.max_households) || 200;
        return put("pinned", ids.slice(-max));  /* the most recently opened ones */
      }).then(function () { return put("pinsChanged", true); });
    });
  }

  /* Bring the kept work up to date; a different user's data is removed first. */
  function refreshBundle() {
    return pinned().then(function (ids) {
      return get("bundle").then(function (bundle) {
        var max = (bundle && bundle.max_households) || 200;
        return ids.slice(-max);
      });
    }).then(function (ids) {
      return fetch("/api/v1/offline/bundle/?pinned=" + encodeURIComponent(ids.join(",")), {
        credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store"
      });
    }).then(function (response) {
      if (!response.ok) {
        var error = new Error("bundle " + response.status);
        error.status = response.status;
        var forget = response.status === 401 || response.status === 403 ?
          forgetSignedOut() : Promise.resolve();
        return forget.then(function () { throw error; });
      }
      return response.json();
    }).then(function (bundle) {
      return Promise.all([get("bundle"), get("outboxUser")]).then(function (kept) {
        var owner = kept[0] ? kept[0].user : kept[1];
        var reset = owner && owner !== bundle.user ? wipeData() : Promise.resolve();
        return reset.then(function () {
          bundle.size = JSON.stringify(bundle).length;
          return put("bundle", bundle);
        }).then(function () { return put("pinsChanged", false); })
          .then(function () { return bundle; });
      });
    });
  }

  /* Signed out or no longer allowed (401/403): the households kept on the phone go at once; the
     changes not sent yet stay only if the facilitator says so (sent after signing in again, by
     the same user only: `outboxUser`). */
  function forgetSignedOut() {
    return get("bundle").then(function (bundle) {
      var owner = bundle ? bundle.user : null;
      return get("outboxUser").then(function (previous) {
        return run("kv", "readwrite", function (s) { return s.clear(); }).then(function () {
          return waitingCount();
        }).then(function (count) {
          if (!count) return null;
          var words = strings();
          var keep = typeof window !== "undefined" && window.confirm(
            (words.signed_out_keep || "").replace("%(count)s", count));
          if (keep) return put("outboxUser", owner || previous || null);
          return run("outbox", "readwrite", function (s) { return s.clear(); });
        });
      });
    });
  }

  function wipeData() {
    return run("outbox", "readwrite", function (s) { return s.clear(); }).then(function () {
      return run("kv", "readwrite", function (s) { return s.clear(); });
    });
  }

  function findHousehold(bundle, householdId) {
    if (!bundle) return null;
    for (var i = 0; i < bundle.households.length; i++) {
      if (bundle.households[i].id === householdId) return bundle.households[i];
    }
    return null;
  }

  /* Send what waits, in order; stop at the first answer that is not the server's (no signal).
   * A conflict holds back the later changes of the same household until it is settled. */
  function sendOutbox(bundle) {
    return outbox().then(function (entries) {
      var held = {};
      entries.forEach(function (e) { if (e.state === "conflict") held[e.household] = true; });
      var applied = 0;
      var chain = Promise.resolve(true);
      entries.forEach(function (entry) {
        chain = chain.then(function (goOn) {
          if (!goOn || entry.state !== "waiting" || held[entry.household]) return goOn;
          return sendOne(bundle, entry, entries, held).then(function (result) {
            if (result === "applied") applied += 1;
            return result !== "stop";
          });
        });
      });
      return chain.then(function () { return put("bundle", bundle); })
        .then(function () { return applied; });
    });
  }

  function sendOne(bundle, entry, entries, held) {
    var body = {
      change_id: entry.change_id, household: entry.household, survey: entry.survey || null,
      step: entry.step, fields: entry.fields, base_version: entry.base_version,
      resolves: entry.resolves || null, choices: entry.choices || {}
    };
    return fetch("/api/v1/offline/changes/", {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRFToken": bundle.csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        return settle(bundle, entry, entries, held, response.status, answer);
      });
    }, function () { return "stop"; });
  }

  function reasonOf(answer) {
    var errors = answer.errors || {};
    var lines = [];
    Object.keys(errors).forEach(function (key) { lines = lines.concat(errors[key]); });
    return lines.join(" ") || answer.detail || "";
  }

  function settle(bundle, entry, entries, held, status, answer) {
    var words = strings();
    if (status === 200) {
      var household = findHousehold(bundle, entry.household);
      if (household) {
        var survey = household.survey || { values: {}, editable: true };
        survey.id = answer.survey;
        survey.version = answer.version;
        survey.status = answer.survey_status;
        survey.editable = (bundle.editable_statuses || []).indexOf(answer.survey_status) !== -1;
        if (entry.step !== "submit") survey.values[entry.step] = answer.values || entry.fields;
        household.survey = survey;
        household.may_start = false;
      }
      /* The later changes made on this phone on top of this one now rest on the new version. */
      entries.forEach(function (later) {
        if (later.seq > entry.seq && later.household === entry.household &&
            later.state === "waiting" && later.base_version === entry.base_version &&
            (later.survey || null) === (entry.survey || null)) {
          later.survey = answer.survey;
          later.base_version = answer.version;
          outboxPut(later);
        }
      });
      entries.forEach(function (later) {
        if (later.seq > entry.seq && later.household === entry.household && !later.survey) {
          later.survey = answer.survey;
        }
      });
      if (answer.errors && Object.keys(answer.errors).length) {
        entry.state = "refused";
        entry.reason = reasonOf(answer);
        entry.survey = answer.survey;
        entry.base_version = answer.version;
        return outboxPut(entry).then(function () { return "applied"; });
      }
      return outboxDelete(entry.seq).then(function () { return "applied"; });
    }
    if (status === 409) {
      entry.state = "conflict";
      entry.conflict = answer;
      held[entry.household] = true;
      return outboxPut(entry).then(function () { return "conflict"; });
    }
    if (status === 400 || status === 403 || status === 404) {
      if (status === 403 && /CSRF|credentials|Authentication/i.test(answer.detail || "")) {
        return "stop"; // signed out: try again after signing in
      }
      entry.state = "refused";
      entry.reason = status === 404 ? words.refused_scope :
        status === 403 ? words.refused_role : reasonOf(answer);
      return outboxPut(entry).then(function () { return "refused"; });
    }
    return "stop";
  }

  var syncing = null;
  /* Online: bring the kept work up to date, send what waits, and refresh again after. */
  function sync() {
    if (syncing) return syncing;
    syncing = refreshBundle().then(function (bundle) {
      return sendOutbox(bundle).then(function (applied) {
        return applied ? refreshBundle() : bundle;
      });
    }).finally(function () { syncing = null; });
    return syncing;
  }

  /* Whether a page opened with a signal should bring the work up to date: nothing kept yet, a
   * household newly kept, something waiting, or older than REFRESH_MINUTES. */
  var REFRESH_MINUTES = 10;
  function needsSync() {
    return Promise.all([get("bundle"), get("pinsChanged"), waitingCount()]).then(function (v) {
      var bundle = v[0];
      if (!bundle || v[1] || v[2]) return true;
      return Date.now() - Date.parse(bundle.synced_at) > REFRESH_MINUTES * 60 * 1000;
    });
  }

  var cachedStrings = null;
  function strings() {
    if (cachedStrings) return cachedStrings;
    var node = typeof document !== "undefined" && document.getElementById("offline-strings");
    cachedStrings = node ? JSON.parse(node.textContent) : {};
    return cachedStrings;
  }

  function waitingCount() {
    return outbox().then(function (entries) { return entries.length; });
  }

  self.PPAOSOffline = {
    get: get, put: put, outbox: outbox, outboxPut: outboxPut, outboxDelete: outboxDelete,
    wipe: wipe, checkUnused: checkUnused, uuid: uuid, pin: pin, pinned: pinned,
    refreshBundle: refreshBundle, sendOutbox: sendOutbox, sync: sync, strings: strings,
    needsSync: needsSync,
    findHousehold: findHousehold, waitingCount: waitingCount
  };
})();
