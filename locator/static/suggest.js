/* Suggestions under the search box as you type (GET /api/suggest), in the ARIA combobox pattern:
   ArrowDown/ArrowUp move through them, Enter opens the results for the one chosen, Escape closes
   the list. Picking one opens the results page at its point, rounded like every page URL (3
   decimals); the other filters of the form are kept. Without JavaScript the form still submits
   the text and the server answers with the results or a choice list. Suggestions are drawn with
   textContent: place names never become HTML. */
(function () {
  "use strict";
  var DELAY_MS = 150; // after the last keystroke
  var ROUND = 1000;

  var input = document.getElementById("q");
  var list = document.getElementById("q-suggestions");
  if (!input || !list || !window.fetch) return;
  var form = input.form;
  var items = [];
  var active = -1;
  var timer = null;
  var asked = 0; // the number of the latest request: an older answer arriving late is dropped

  // The combobox roles only with the script that makes them true: without it, a plain search box.
  input.setAttribute("autocomplete", "off"); // the browser's own list would cover ours
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  list.style.cssText = "list-style:none;margin:.2rem 0 0;padding:0;border:1px solid #888;background:#fff;" +
    "max-height:20rem;overflow-y:auto";

  function close() {
    list.hidden = true;
    list.textContent = "";
    items = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(i) {
    items.forEach(function (li, j) {
      li.setAttribute("aria-selected", j === i ? "true" : "false");
      li.style.background = j === i ? "#dde8ff" : "";
    });
    active = i;
    if (i >= 0) {
      input.setAttribute("aria-activedescendant", items[i].id);
      items[i].scrollIntoView({block: "nearest"});
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function resultsUrl(s) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (key !== "csrf_token" && key !== "q") params.append(key, value);
    });
    params.set("lat", (Math.round(s.lat * ROUND) / ROUND).toFixed(3));
    params.set("lon", (Math.round(s.lon * ROUND) / ROUND).toFixed(3));
    return input.getAttribute("data-results-url") + "?" + params.toString();
  }

  function pick(s) {
    input.value = s.label;
    close();
    window.location.assign(resultsUrl(s));
  }

  function show(suggestions) {
    close();
    if (!suggestions.length) return;
    suggestions.forEach(function (s, i) {
      var li = document.createElement("li");
      li.id = "q-suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.style.cssText = "padding:.3rem .5rem;cursor:pointer";
      li.textContent = s.label;
      var extra = [s.type, s.matched_name].filter(Boolean).join(" · ");
      if (extra) {
        var small = document.createElement("small");
        small.textContent = " (" + extra + ")";
        li.appendChild(small);
      }
      li.addEventListener("mousedown", function (ev) {
        ev.preventDefault(); // keep the focus in the input
        pick(s);
      });
      li.suggestion = s;
      list.appendChild(li);
      items.push(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function ask() {
    var q = input.value.trim();
    if (q.length < 2) {
      close();
      return;
    }
    var n = ++asked;
    var url = input.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q.slice(0, 200)) +
      "&lang=" + encodeURIComponent(input.getAttribute("data-lang") || "lv");
    fetch(url, {headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : {suggestions: []}; })
      .then(function (body) { if (n === asked) show(body.suggestions || []); })
      .catch(function () { if (n === asked) close(); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, DELAY_MS);
  });

  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" && items.length) {
      ev.preventDefault();
      highlight((active + 1) % items.length);
    } else if (ev.key === "ArrowUp" && items.length) {
      ev.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (ev.key === "Enter" && active >= 0) {
      ev.preventDefault(); // the chosen suggestion, not the typed text
      pick(items[active].suggestion);
    } else if (ev.key === "Escape" && !list.hidden) {
      ev.preventDefault();
      close();
    }
  });

  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
