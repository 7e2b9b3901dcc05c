/* PPAOS service worker (issue 16), served at /sw.js by households/offline/views.py, which writes
 * SHELL_URL, SHELL_ASSETS and CACHE_NAME in front of this file.
 *
 * It keeps one thing in the Cache API: the offline pages' shell (no personal data; the pages draw
 * the work from IndexedDB) and the static files it needs. Every other answer keeps its
 * `Cache-Control: no-store`: pages are fetched from the network, and only when there is no
 * signal does a page open as the offline shell, which shows the same work from the phone.
 */
/* global SHELL_URL, SHELL_ASSETS, CACHE_NAME */
"use strict";

function keep(cache, url) {
  return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
    if (response.ok && !response.redirected) return cache.put(url, response);
    return null;
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE_NAME).then(function (cache) {
      return Promise.all([SHELL_URL].concat(SHELL_ASSETS).map(function (url) {
        return keep(cache, url).catch(function () { return null; });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("ppaos-shell-") === 0 && key !== CACHE_NAME;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then(function (response) {
        if (url.pathname === SHELL_URL && response.ok && !response.redirected) {
          var copy = response.clone();
          caches.open(CACHE_NAME).then(function (cache) { cache.put(SHELL_URL, copy); });
        }
        return response;
      }).catch(function () {
        return caches.open(CACHE_NAME).then(function (cache) {
          return cache.match(SHELL_URL).then(function (shell) {
            return shell || Response.error();
          });
        });
      })
    );
    return;
  }
  if (SHELL_ASSETS.indexOf(url.pathname) !== -1) {
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE_NAME).then(function (cache) { cache.put(url.pathname, copy); });
        }
        return response;
      }).catch(function () {
        return caches.open(CACHE_NAME).then(function (cache) {
          return cache.match(url.pathname).then(function (hit) { return hit || Response.error(); });
        });
      })
    );
  }
});
