// The academy's only script, a progressive enhancement: every page works without it. On a quiz
// attempt it saves each answer as it changes (retrying while the connection is down, keeping
// unsent answers in this browser across a reload), shows a per-question "saved" state, and runs
// the countdown, announced politely to screen readers.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (form) autosave(form);
  var countdown = document.getElementById("countdown");
  if (countdown) runCountdown(countdown);

  function autosave(form) {
    var base = form.getAttribute("data-autosave");
    var csrf = form.querySelector("input[name=csrf]").value;
    var storeKey = "academy:" + base;
    var pending = {};
    var retryDelay = 2000;
    var timer = null;
    var unsent = load();

    form.querySelectorAll("fieldset[data-question]").forEach(function (set) {
      var id = set.getAttribute("data-question");
      var seq = parseInt(set.getAttribute("data-seq"), 10) || 0;
      set._seq = seq;
      var kept = unsent[id];
      if (kept && kept.seq > seq) {
        restore(set, kept.values);
        set._seq = kept.seq;
        queue(set, kept.seq);
      }
      var typing = null;
      set.addEventListener("change", function () { changed(set); });
      set.addEventListener("input", function (event) {
        if (event.target.type !== "text" && event.target.tagName !== "TEXTAREA") return;
        clearTimeout(typing);
        typing = setTimeout(function () { changed(set); }, 800);
      });
    });
    window.addEventListener("online", flush);

    function changed(set) {
      set._seq += 1;
      queue(set, set._seq);
    }

    function queue(set, seq) {
      var id = set.getAttribute("data-question");
      pending[id] = { set: set, seq: seq, values: values(set) };
      unsent[id] = { seq: seq, values: pending[id].values };
      save();
      state(set, "saving");
      send(id);
    }

    function send(id) {
      var entry = pending[id];
      if (!entry) return;
      var body = new URLSearchParams();
      body.append("csrf", csrf);
      body.append("seq", String(entry.seq));
      entry.values.forEach(function (pair) { body.append(pair[0], pair[1]); });
      fetch(base + encodeURIComponent(id), { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) {
          if (response.ok) {
            if (pending[id] === entry) {
              delete pending[id];
              delete unsent[id];
              save();
              state(entry.set, "saved");
            }
            retryDelay = 2000;
          } else if (response.status === 409 || response.status === 403) {
            // The attempt is over (or the page's token expired): the server's page says what stands.
            window.location.reload();
          } else if (response.status === 422) {
            if (pending[id] === entry) delete pending[id];
            state(entry.set, "invalid");
          } else {
            retryLater(entry.set);
          }
        })
        .catch(function () { retryLater(entry.set); });
    }

    function retryLater(set) {
      state(set, "offline");
      clearTimeout(timer);
      timer = setTimeout(flush, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    }

    function flush() {
      Object.keys(pending).forEach(send);
    }

    function state(set, name) {
      var line = set.querySelector(".save-state");
      var labels = { saving: "data-saving", saved: "data-saved", offline: "data-offline", invalid: "data-invalid" };
      line.textContent = form.getAttribute(labels[name]) || "";
      line.classList.toggle("offline", name === "offline" || name === "invalid");
    }

    function values(set) {
      var list = [];
      set.querySelectorAll("input, select, textarea").forEach(function (input) {
        if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
        list.push([input.name, input.value]);
      });
      return list;
    }

    function restore(set, pairs) {
      set.querySelectorAll("input, select, textarea").forEach(function (input) {
        var match = pairs.filter(function (pair) { return pair[0] === input.name; });
        if (input.type === "radio" || input.type === "checkbox") {
          input.checked = match.some(function (pair) { return pair[1] === input.value; });
        } else if ((input.type === "text" || input.tagName === "SELECT" || input.tagName === "TEXTAREA") && match.length) {
          input.value = match[0][1];
        }
      });
    }

    function load() {
      try { return JSON.parse(window.localStorage.getItem(storeKey)) || {}; } catch (error) { return {}; }
    }

    function save() {
      try { window.localStorage.setItem(storeKey, JSON.stringify(unsent)); } catch (error) { /* private mode: memory only */ }
    }
  }

  function runCountdown(element) {
    var end = Date.now() + parseInt(element.getAttribute("data-seconds-left"), 10) * 1000;
    var clock = element.querySelector("time");
    var announcer = document.getElementById("countdown-announcer");
    var announced = {};
    tick();
    var interval = setInterval(tick, 1000);

    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var hours = Math.floor(left / 3600), minutes = Math.floor(left / 60) % 60, seconds = left % 60;
      clock.textContent = (hours ? hours + ":" : "") + pad(minutes) + ":" + pad(seconds);
      element.classList.toggle("low", left <= 60);
      [10, 5, 1].forEach(function (mark) {
        if (left <= mark * 60 && left > (mark * 60) - 5 && !announced[mark]) {
          announced[mark] = true;
          announcer.textContent = mark + " " + element.getAttribute("data-minutes-left-label");
        }
      });
      if (left === 0) {
        clearInterval(interval);
        announcer.textContent = element.getAttribute("data-time-up");
        setTimeout(function () { window.location.reload(); }, 4000);
      }
    }

    function pad(number) { return number < 10 ? "0" + number : String(number); }
  }
})();
