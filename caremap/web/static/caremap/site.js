// Every public page: the larger-text mode, the offline notice, the service worker, and the
// save and share buttons of a point page. Loaded in <head>, so the text size is set before the
// page is drawn; everything that needs the page waits for DOMContentLoaded.
(function () {
  "use strict";

  var LARGE_TEXT_KEY = "caremap.largeText";
  var SAVED_KEY = "caremap.saved";
  var root = document.documentElement;

  function storageGet(key) {
    try { return window.localStorage.getItem(key); } catch (error) { return null; }
  }
  function storageSet(key, value) {
    try { window.localStorage.setItem(key, value); } catch (error) { /* private mode: not kept */ }
  }

  if (storageGet(LARGE_TEXT_KEY) === "1") { root.classList.add("large-text"); }
  // With scripts running, a phone folds the navigation behind the menu button.
  root.classList.add("js");

  // The saved list: [{id, name, address, phone: {number, tel}}], in this browser only.
  var saved = {
    all: function () {
      try { return JSON.parse(storageGet(SAVED_KEY) || "[]"); } catch (error) { return []; }
    },
    has: function (id) {
      return saved.all().some(function (item) { return item.id === id; });
    },
    add: function (item) {
      var items = saved.all().filter(function (other) { return other.id !== item.id; });
      items.push(item);
      storageSet(SAVED_KEY, JSON.stringify(items));
    },
    remove: function (id) {
      storageSet(SAVED_KEY, JSON.stringify(saved.all().filter(function (item) { return item.id !== id; })));
    },
  };
  window.caremapSaved = saved;

  function setupLargeText() {
    var button = document.getElementById("large-text");
    if (!button) { return; }
    button.setAttribute("aria-pressed", String(root.classList.contains("large-text")));
    button.addEventListener("click", function () {
      var on = root.classList.toggle("large-text");
      button.setAttribute("aria-pressed", String(on));
      storageSet(LARGE_TEXT_KEY, on ? "1" : "0");
    });
  }

  function setupMenu() {
    var button = document.getElementById("menu-toggle");
    var nav = document.getElementById("site-nav");
    if (!button || !nav) { return; }
    button.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      button.setAttribute("aria-expanded", String(open));
    });
  }

  function setupOfflineNotice() {
    var notice = document.getElementById("offline-notice");
    if (!notice) { return; }
    function update() { notice.hidden = navigator.onLine !== false; }
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    document.addEventListener("caremap:offline-results", function () { notice.hidden = false; });
    update();
  }

  function setupServiceWorker() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      // Tests and curious users can see when the site is ready to work offline.
      root.dataset.offlineReady = "true";
    }).catch(function () { root.dataset.offlineReady = "false"; });
  }

  function setupSaveButton() {
    var button = document.getElementById("save-point");
    if (!button) { return; }
    var data = button.dataset;
    function show() {
      var on = saved.has(data.id);
      button.setAttribute("aria-pressed", String(on));
      button.textContent = on ? data.labelSaved : data.labelSave;
    }
    button.addEventListener("click", function () {
      if (saved.has(data.id)) {
        saved.remove(data.id);
      } else {
        saved.add({ id: data.id, name: data.name, address: data.address,
                    phone: data.tel ? { number: data.number, tel: data.tel } : null });
      }
      show();
    });
    show();
  }

  function setupShareButtons() {
    document.querySelectorAll("[data-share-url]").forEach(function (button) {
      var status = document.getElementById(button.getAttribute("aria-describedby"));
      button.addEventListener("click", function () {
        var url = button.dataset.shareUrl;
        if (navigator.share) {
          navigator.share({ title: document.title, url: url }).catch(function () { /* cancelled */ });
          return;
        }
        copy(url).then(function () {
          status.textContent = button.dataset.copied;
        }, function () {
          status.textContent = button.dataset.copyFailed;
        });
      });
    });
  }

  function copy(value) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(value);
    }
    return Promise.reject(new Error("no clipboard"));
  }
  window.caremapCopy = copy;

  function setupPrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupLargeText();
    setupMenu();
    setupOfflineNotice();
    setupServiceWorker();
    setupSaveButton();
    setupShareButtons();
    setupPrintButtons();
  });
})();
