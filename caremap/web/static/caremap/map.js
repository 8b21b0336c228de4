// The map page: search form, filters, result list and Leaflet map, kept in step.
// Coordinates from the API arrive in the tile layer's system (config.tiles.crs); with no tile
// layer the map draws only the bundled district outlines, in WGS-84.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var text = document.getElementById("i18n").dataset;
  var form = document.getElementById("search-form");
  var list = document.getElementById("result-list");
  var countEl = document.getElementById("result-count");
  var statusEl = document.getElementById("status");
  var crs = (config.tiles && config.tiles.url) ? config.tiles.crs : "wgs84";
  var english = text.lang === "en";
  var layout = document.querySelector(".map-layout");
  var near = null;
  var requestNumber = 0;

  var map = L.map("map", { maxZoom: 18, minZoom: 8, zoomControl: false })
    .setView(config.center, config.zoom);
  // Leaflet's own control and popup labels are English; give them the page's language.
  L.control.zoom({ zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
  map.on("popupopen", function (event) {
    var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close) { close.setAttribute("aria-label", text.closePopup); }
  });
  if (config.tiles && config.tiles.url) {
    L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution, maxZoom: 18 }).addTo(map);
  }
  var cluster = L.markerClusterGroup({
    showCoverageOnHover: false, maxClusterRadius: 50, iconCreateFunction: clusterIcon,
  });
  map.addLayer(cluster);
  var nearMarker = null;

  // The map's view, on its element, for tests and assistive scripts to read.
  var mapElement = document.getElementById("map");
  function recordView() {
    var center = map.getCenter();
    mapElement.dataset.zoom = String(map.getZoom());
    mapElement.dataset.center = center.lat.toFixed(5) + "," + center.lng.toFixed(5);
  }
  map.on("moveend zoomend", recordView);
  recordView();

  fetch(config.outlines).then(function (r) { return r.json(); }).then(function (geojson) {
    L.geoJSON(geojson, {
      style: { color: "#2b6a8f", weight: 1.5, fillColor: "#e8f1f6", fillOpacity: 0.5 },
      // As text: Leaflet would read a string as HTML.
      onEachFeature: function (feature, layer) { layer.bindTooltip(el("span", "", feature.properties.name)); },
    }).addTo(map).bringToBack();
  });

  // Like markercluster's default icon, with a name for screen readers ("12 service points").
  function clusterIcon(group) {
    var count = group.getChildCount();
    var size = "large";
    if (count < 10) {
      size = "small";
    } else if (count < 100) {
      size = "medium";
    }
    var html = '<div><span aria-hidden="true">' + count + '</span><span class="visually-hidden">' +
      count + " " + text.points + "</span></div>";
    return L.divIcon({ html: html, className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40) });
  }

  function showView(view) {
    layout.dataset.view = view;
    document.querySelectorAll(".toggle-button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.view === view));
    });
    if (view === "map") { map.invalidateSize(); }
  }
  document.querySelectorAll(".toggle-button").forEach(function (button) {
    button.addEventListener("click", function () { showView(button.dataset.view); });
  });

  function localName(item) {
    return english && item.name_en ? item.name_en : item.name;
  }

  // "Open now · closes at 17:30" or "Closed now · opens tomorrow 09:00", from the API's
  // Asia/Shanghai ISO times; the weekday and hour are read from the string as written.
  function openingText(point) {
    if (point.open_now === true) {
      return text.open + (point.closes_at ? " · " + text.closes + " " + point.closes_at.slice(11, 16) : "");
    }
    if (point.open_now === false) {
      var when = "";
      if (point.opens_at) {
        var days = Math.round((Date.parse(point.opens_at.slice(0, 10)) - Date.parse(todayInShanghai())) / 86400000);
        var day = days === 0 ? "" : days === 1 ? text.tomorrow + " " :
          text.weekdays.split(",")[(new Date(point.opens_at.slice(0, 10) + "T00:00:00Z").getUTCDay() + 6) % 7] + " ";
        when = " · " + text.opens + " " + day + point.opens_at.slice(11, 16);
      }
      return text.closed + when;
    }
    return "";
  }

  function todayInShanghai() {
    var shanghai = new Date(Date.now() + 8 * 3600000);
    return shanghai.toISOString().slice(0, 10);
  }

  function params() {
    var data = new FormData(form);
    var out = new URLSearchParams();
    data.forEach(function (value, key) { if (value) { out.append(key, value); } });
    if (near) {
      out.set("near", near[0].toFixed(6) + "," + near[1].toFixed(6));
      out.set("radius", "5000");
    }
    out.set("crs", crs);
    return out;
  }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  function renderList(data) {
    list.replaceChildren();
    countEl.textContent = data.count + " " + text.results;
    statusEl.textContent = data.count ? "" : text.none;
    data.results.forEach(function (point) {
      var item = el("li", "result");
      var link = el("a", "result-name", point.name);
      link.href = "/points/" + point.id + "/";
      item.appendChild(link);
      var meta = localName(point.category) + " · " + point.department.name;
      if (point.distance_m !== undefined) { meta += " · " + Math.round(point.distance_m) + " " + text.metres; }
      item.appendChild(el("div", "result-meta", meta));
      var opening = openingText(point);
      if (opening) {
        item.appendChild(el("div", "result-opening " + (point.open_now ? "is-open" : "is-closed"), opening));
      }
      if (point.address) { item.appendChild(el("div", "result-address", point.address)); }
      var actions = el("div", "result-actions");
      point.phones.slice(0, 1).forEach(function (phone) {
        var call = el("a", "call", text.call + " " + phone.number);
        call.href = "tel:" + phone.tel;
        actions.appendChild(call);
      });
      if (point.location) {
        var show = el("button", "show-on-map", text.showOnMap);
        show.type = "button";
        show.setAttribute("aria-label", text.showOnMap + ": " + point.name);
        show.addEventListener("click", function () {
          showView("map");
          highlight(point.id, true);
        });
        actions.appendChild(show);
        item.addEventListener("mouseenter", function () { highlight(point.id); });
      }
      item.appendChild(actions);
      list.appendChild(item);
    });
  }

  var markerIcon = L.icon({
    iconUrl: config.icons.icon, iconRetinaUrl: config.icons.icon2x, shadowUrl: config.icons.shadow,
    iconSize: [25, 41], iconAnchor: [12, 41], popupAnchor: [1, -34], tooltipAnchor: [16, -28],
    shadowSize: [41, 41],
  });
  var markersById = {};
  function renderMarkers(data) {
    cluster.clearLayers();
    markersById = {};
    var layers = data.markers.map(function (m) {
      var marker = L.marker([m[1], m[2]], { title: m[3], alt: m[3], keyboard: true, icon: markerIcon });
      var link = el("a", null, m[3]);
      link.href = "/points/" + m[0] + "/";
      marker.bindPopup(link);
      markersById[m[0]] = marker;
      return marker;
    });
    cluster.addLayers(layers);
    if (layers.length === 1) {
      // One result: show it at street level, not at the maximum zoom.
      map.setView(layers[0].getLatLng(), 15);
    } else if (layers.length > 1 && (near || form.q.value)) {
      map.fitBounds(cluster.getBounds(), { padding: [20, 20], maxZoom: 15 });
    }
  }

  function highlight(id, focus) {
    var marker = markersById[id];
    if (!marker) { return; }
    if (focus) {
      // Jump without animation: markercluster loses its callback when asked to show a marker
      // while an earlier zoom (the search's fitBounds) is still animating.
      map.stop();
      map.setView(marker.getLatLng(), Math.max(map.getZoom(), 17), { animate: false });
    }
    cluster.zoomToShowLayer(marker, function () {
      marker.openPopup();
      // Keyboard users land on the popup's link, from where Escape returns to the map.
      var popup = marker.getPopup().getElement();
      var link = focus && popup && popup.querySelector(".leaflet-popup-content a");
      if (link) { link.focus(); }
    });
  }

  // The last results, kept for the service worker to show when the network is gone. Stored
  // under fixed keys, so no URL with the user's position is written to the cache.
  function keepForOffline(key, data) {
    if (!window.caches) { return; }
    var body = new Response(JSON.stringify(data), { headers: { "Content-Type": "application/json" } });
    caches.open("caremap-results").then(function (cache) { return cache.put(key, body); })
      .catch(function () { /* storage full or blocked: offline copy is optional */ });
  }

  function search() {
    var number = ++requestNumber;
    var query = params();
    statusEl.textContent = text.loading;
    var fromCache = false;
    function read(response) {
      if (response.headers.get("X-Caremap-Offline")) { fromCache = true; }
      return check(response);
    }
    Promise.all([
      fetch(config.api + "points?" + query.toString() + "&page_size=50").then(read),
      fetch(config.api + "markers?" + query.toString()).then(read),
    ]).then(function (results) {
      if (number !== requestNumber) { return; }
      renderList(results[0]);
      renderMarkers(results[1]);
      if (fromCache) {
        statusEl.textContent = text.cached;
        document.dispatchEvent(new CustomEvent("caremap:offline-results"));
      } else {
        keepForOffline("/offline-results/points", results[0]);
        keepForOffline("/offline-results/markers", results[1]);
      }
      document.getElementById("results").dataset.loaded = String(number);
    }).catch(function () {
      if (number === requestNumber) { statusEl.textContent = text.failed; }
    });
  }

  function check(response) {
    if (!response.ok) { throw new Error("HTTP " + response.status); }
    return response.json();
  }

  function setNear(lat, lng) {
    near = [lat, lng];
    if (nearMarker) { map.removeLayer(nearMarker); }
    nearMarker = L.circleMarker([lat, lng], { radius: 8, color: "#c0392b" }).addTo(map)
      .bindTooltip(text.here);
    search();
  }

  function loadChildren(parentSelect, childSelect, level) {
    var code = parentSelect.value;
    childSelect.replaceChildren(childSelect.options[0]);
    childSelect.value = "";
    childSelect.disabled = !code;
    if (!code) { return Promise.resolve(); }
    return fetch(config.api + "regions?level=" + level + "&parent=" + encodeURIComponent(code))
      .then(check).then(function (data) {
        data.results.forEach(function (division) {
          var label = english && division.name_pinyin ? division.name + " (" + division.name_pinyin + ")" : division.name;
          var option = el("option", null, label);
          option.value = division.code;
          childSelect.appendChild(option);
        });
      });
  }

  var district = document.getElementById("district");
  var street = document.getElementById("street");
  var community = document.getElementById("community");
  district.addEventListener("change", function () {
    loadChildren(district, street, "street");
    loadChildren(street, community, "community");
  });
  street.addEventListener("change", function () { loadChildren(street, community, "community"); });

  form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
  form.addEventListener("change", function (event) {
    if (event.target.name !== "q") { search(); }
  });

  document.getElementById("near-me").addEventListener("click", function () {
    if (!navigator.geolocation) { statusEl.textContent = text.locationDenied; return; }
    statusEl.textContent = text.loading;
    navigator.geolocation.getCurrentPosition(function (position) {
      // Browsers report WGS-84; the API is asked in the map's system, so convert nothing here
      // when the map is WGS-84, and let the API convert (crs) otherwise.
      setNear(position.coords.latitude, position.coords.longitude);
    }, function () {
      statusEl.textContent = text.locationDenied;
    }, { timeout: 10000, maximumAge: 60000 });
  });

  map.on("click", function (event) { setNear(event.latlng.lat, event.latlng.lng); });

  // Zoomed out past a city, the server counts the points per map cell (/api/v1/clusters), so a
  // provincial or national view never loads every marker. Self-contained: it only swaps which
  // layer is on the map.
  var CLUSTER_ZOOM = 10;
  var serverClusters = L.layerGroup();
  var clusterRequest = 0;
  function loadClusters() {
    var number = ++clusterRequest;
    if (map.getZoom() >= CLUSTER_ZOOM) {
      map.removeLayer(serverClusters);
      if (!map.hasLayer(cluster)) { map.addLayer(cluster); }
      return;
    }
    var bounds = map.getBounds();
    var query = params();
    query.delete("near");
    query.delete("radius");
    query.set("zoom", String(map.getZoom()));
    query.set("bbox", [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
      .map(function (v) { return Math.max(-180, Math.min(180, v)).toFixed(5); }).join(","));
    fetch(config.api + "clusters?" + query.toString()).then(check).then(function (data) {
      if (number !== clusterRequest) { return; }
      serverClusters.clearLayers();
      data.clusters.forEach(function (c) {
        var size = c.count < 100 ? "small" : c.count < 10000 ? "medium" : "large";
        var label = el("div");
        label.appendChild(el("span", null, String(c.count)));
        var icon = L.divIcon({ className: "marker-cluster server-cluster marker-cluster-" + size,
          html: label.outerHTML, iconSize: [40, 40] });
        L.marker([c.lat, c.lng], { icon: icon, title: String(c.count), keyboard: true })
          .on("click", function () { map.setView([c.lat, c.lng], map.getZoom() + 2); })
          .addTo(serverClusters);
      });
      map.removeLayer(cluster);
      map.addLayer(serverClusters);
    }).catch(function () {
      if (number === clusterRequest) { statusEl.textContent = text.failed; }
    });
  }
  map.setMinZoom(3);
  map.on("moveend", loadClusters);
  form.addEventListener("change", loadClusters);

  search();
})();
