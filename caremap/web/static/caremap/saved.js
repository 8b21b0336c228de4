// The saved-list page: the points saved in this browser (site.js keeps them in localStorage),
// printable, and shareable as a link /saved/?ids=… that opens the same list on another device.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("saved-config").textContent);
  var text = document.getElementById("saved-i18n").dataset;
  var saved = window.caremapSaved;
  var list = document.getElementById("saved-list");
  var empty = document.getElementById("saved-empty");
  var link = document.getElementById("saved-link");
  var ID_PATTERN = /^[0-9a-f-]{36}$/;

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  function entry(item, removable) {
    var li = el("li", "saved-item");
    var name = el("a", "saved-name", item.name);
    name.href = "/points/" + item.id + "/";
    li.appendChild(name);
    if (item.address) { li.appendChild(el("div", "saved-address", item.address)); }
    if (item.phone) {
      var call = el("a", "call", text.call + " " + item.phone.number);
      call.href = "tel:" + item.phone.tel;
      li.appendChild(call);
    }
    if (removable) {
      var remove = el("button", "remove no-print", text.remove);
      remove.type = "button";
      remove.setAttribute("aria-label", text.remove + ": " + item.name);
      remove.addEventListener("click", function () {
        saved.remove(item.id);
        render();
        document.getElementById("saved-status").textContent = "";
        list.focus();
      });
      li.appendChild(remove);
    }
    return li;
  }

  function shareLink(items) {
    var ids = items.map(function (item) { return item.id; }).join(",");
    return window.location.origin + "/saved/" + (ids ? "?ids=" + ids : "");
  }

  function render() {
    var items = saved.all();
    list.replaceChildren.apply(list, items.map(function (item) { return entry(item, true); }));
    list.tabIndex = -1;
    empty.hidden = items.length > 0;
    link.value = shareLink(items);
  }

  // Points of a shared link are read from the API, so the link carries only their ids.
  function loadShared() {
    var ids = (new URLSearchParams(window.location.search).get("ids") || "").split(",")
      .filter(function (id) { return ID_PATTERN.test(id); }).slice(0, 50);
    if (!ids.length) { return; }
    var section = document.getElementById("shared-section");
    var sharedList = document.getElementById("shared-list");
    section.hidden = false;
    Promise.all(ids.map(function (id) {
      return fetch(config.api + "points/" + id).then(function (response) {
        return response.ok ? response.json() : null;
      }).catch(function () { return null; });
    })).then(function (points) {
      var items = points.filter(Boolean).map(function (point) {
        return { id: point.id, name: point.name, address: point.address || "",
                 phone: point.phones && point.phones.length ? point.phones[0] : null };
      });
      sharedList.replaceChildren.apply(sharedList, items.map(function (item) { return entry(item, false); }));
      if (items.length < ids.length) { sharedList.appendChild(el("li", "saved-missing", text.missing)); }
      document.getElementById("keep-shared").addEventListener("click", function () {
        items.forEach(function (item) { saved.add(item); });
        render();
      });
    });
  }

  document.getElementById("share-saved").addEventListener("click", function (event) {
    var button = event.currentTarget;
    var status = document.getElementById("saved-status");
    var url = shareLink(saved.all());
    if (navigator.share) {
      navigator.share({ title: document.title, url: url }).catch(function () { /* cancelled */ });
      return;
    }
    window.caremapCopy(url).then(function () { status.textContent = button.dataset.copied; },
      function () { status.textContent = button.dataset.copyFailed; link.select(); });
  });

  render();
  loadShared();
})();
