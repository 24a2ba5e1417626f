// The battle page: one websocket per page, two panes filled as tokens arrive, rendered as markdown
// (static/js/markdown.js) at most once a frame.
// Each side shows its state (waiting, thinking, answering, still waiting N s, done, failed); screen
// readers hear each change once through #arena-status, never individual tokens. Model names never
// come over this socket; the reveal arrives with the vote.
(function () {
  "use strict";
  var root = document.getElementById("arena");
  if (!root) return;
  var text = JSON.parse(document.getElementById("arena-messages").textContent);
  // Event names and close codes as the server defines them (arena/battles/events.py).
  var protocol = JSON.parse(document.getElementById("arena-protocol").textContent);
  var E = protocol.events;
  var maxChars = parseInt(root.dataset.maxChars, 10);
  var status = document.getElementById("arena-status");
  var form = document.getElementById("prompt-form");
  var input = document.getElementById("prompt-input");
  var count = document.getElementById("prompt-count");
  var errorBox = document.getElementById("prompt-error");
  var sendButton = form.querySelector("[data-testid=send-prompt]");
  var battleField = document.getElementById("vote-battle-id");
  var voteButtons = document.querySelectorAll("#vote-form button[name=choice]");
  var voteHint = document.getElementById("vote-hint");
  var panes = { a: document.getElementById("response-a"), b: document.getElementById("response-b") };
  var stateBoxes = { a: document.getElementById("state-a"), b: document.getElementById("state-b") };
  var answers = { a: null, b: null };
  var sides = { a: freshSide(), b: freshSide() };
  var stallMs = (parseFloat(root.dataset.stallSeconds) || 10) * 1000;
  // The server does not count a vote cast sooner than this after the last answer ended: the buttons
  // wait as long (plus a little for the clocks), and say so, rather than take a vote that is dropped.
  var readingMs = ((parseFloat(root.dataset.minVoteSeconds) || 0) + 0.25) * 1000;
  var hintWaiting = voteHint ? voteHint.textContent : "";
  var ticker = null;
  var unlockTimer = null;
  var socket = null;
  var pending = null;
  var busy = false;
  var closed = false;
  var maskedNoteShown = false;
  var votableTurns = 0;
  var crisisBox = document.getElementById("crisis");
  var preview = document.getElementById("prompt-preview");
  var previewTitle = document.getElementById("preview-title");
  var previewText = document.getElementById("preview-text");
  var previewSummary = document.getElementById("preview-summary");
  var previewPending = null;

  function showCrisis(event) {
    crisisBox.textContent = "";
    var p = document.createElement("p");
    p.textContent = event.message;
    crisisBox.appendChild(p);
    var list = document.createElement("ul");
    event.resources.forEach(function (r) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "tel:" + r.contact.split(" ")[0].replace(/-/g, "");
      link.textContent = r.name + " " + r.contact;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" (" + r.note + ")"));
      list.appendChild(item);
    });
    crisisBox.appendChild(list);
    crisisBox.hidden = false;
    crisisBox.focus();
  }

  // Changes that happen together (both sides stalling in one tick) are said together: a second
  // write to the live region before it is read would drop the first.
  var sayQueue = [];
  function announce(message) {
    sayQueue.push(message);
    if (sayQueue.length > 1) return;
    setTimeout(function () { status.textContent = sayQueue.join(" "); sayQueue = []; }, 0);
  }
  function setVoting(enabled) {
    if (unlockTimer) { clearInterval(unlockTimer); unlockTimer = null; }
    voteButtons.forEach(function (b) { b.disabled = !enabled; });
    if (voteHint) voteHint.hidden = enabled;
  }
  function setHint(message) { if (voteHint) { voteHint.textContent = message; voteHint.hidden = false; } }
  // Unlock the vote once the citizen has had the minimum reading time, counting down on screen.
  function unlockVotingAfterReading() {
    setVoting(false);
    var until = Date.now() + readingMs;
    function step() {
      var left = Math.ceil((until - Date.now()) / 1000);
      if (left <= 0) { setVoting(true); return; }
      setHint(text.readingCue.replace("%(n)s", left));
    }
    step();
    if (readingMs > 0) unlockTimer = setInterval(step, 250);
  }

  // --- each side's state -------------------------------------------------------------------------
  function freshSide() {
    return { state: "idle", raw: "", since: 0, thinkingSaid: false, stallSaid: false, frame: 0 };
  }
  function sideName(side) { return side === "a" ? text.sideLabelA : text.sideLabelB; }
  function stateText(side) {
    var s = sides[side];
    if (s.state === "stalled") {
      return text.stateStalled.replace("%(n)s", Math.floor((Date.now() - s.since) / 1000));
    }
    return text["state_" + s.state] || "";
  }
  function setState(side, state) {
    var s = sides[side];
    s.state = state;
    var box = stateBoxes[side];
    if (!box) return;
    box.dataset.state = state;
    box.textContent = stateText(side);
    box.hidden = state === "idle";
  }
  // Something came from this side: it is alive, in `state`.
  function heard(side, state) {
    var s = sides[side];
    s.since = Date.now();
    if (s.state === "stalled" || s.state !== state) setState(side, state);
  }
  function tick() {
    ["a", "b"].forEach(function (side) {
      var s = sides[side];
      if (["waiting", "thinking", "streaming", "stalled"].indexOf(s.state) < 0) return;
      if (s.state !== "stalled" && Date.now() - s.since >= stallMs) {
        setState(side, "stalled");
        if (!s.stallSaid) {
          s.stallSaid = true;
          announce(text.stalled.replace("%(side)s", sideName(side)));
        }
      } else if (s.state === "stalled") {
        stateBoxes[side].textContent = stateText(side);
      }
    });
  }
  function startTicker() { if (!ticker) ticker = setInterval(tick, 1000); }
  function stopTicker() { if (ticker) { clearInterval(ticker); ticker = null; } }

  // --- answers as markdown, at most once a frame ---------------------------------------------------
  function paint(side) {
    var s = sides[side];
    s.frame = 0;
    var target = answers[side];
    if (!target) return;
    if (window.KaiMarkdown) {
      target.innerHTML = window.KaiMarkdown.render(s.raw);
      window.KaiMarkdown.highlight(target);
    } else {
      target.textContent = s.raw;
    }
  }
  function schedulePaint(side) {
    if (!sides[side].frame) sides[side].frame = requestAnimationFrame(function () { paint(side); });
  }
  function paintNow(side) {
    if (sides[side].frame) cancelAnimationFrame(sides[side].frame);
    paint(side);
  }
  function setSending(enabled) { sendButton.disabled = !enabled; input.disabled = !enabled && closed; }
  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
    input.setAttribute("aria-invalid", message ? "true" : "false");
  }
  function closeBattle(message) {
    closed = true;
    busy = false;
    stopTicker();
    setVoting(false);
    setHint(message);  // no longer "the vote unlocks when both answers end": it will not
    ["a", "b"].forEach(function (side) {
      if (["waiting", "thinking", "streaming", "stalled"].indexOf(sides[side].state) >= 0) setState(side, "failed");
    });
    input.disabled = true;
    sendButton.disabled = true;
    announce(message);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.wsPath);
    socket.addEventListener("open", function () {
      if (pending) { socket.send(pending); pending = null; }
    });
    socket.addEventListener("message", function (event) { handle(JSON.parse(event.data)); });
    socket.addEventListener("close", function (event) {
      if (event.code === protocol.close.no_consent) { location.reload(); return; }  // show the notice
      socket = null;
      if (!busy) {
        // Closed between turns (a node restarting for a deploy closes idle sockets): a new socket would
        // start another battle, so this one takes no more questions; its finished turns can be voted on.
        if (votableTurns && !closed) {
          closed = true;
          input.disabled = true;
          sendButton.disabled = true;
          announce(text.disconnectedIdle);
        }
        return;
      }
      if (!votableTurns) { closeBattle(text.disconnected); return; }
      // The server keeps the turns that finished and drops the interrupted one: they can still be voted on.
      closed = true;
      busy = false;
      stopTicker();
      input.disabled = true;
      sendButton.disabled = true;
      ["a", "b"].forEach(function (side) {
        panes[side].setAttribute("aria-busy", "false");
        if (sides[side].state !== "done") setState(side, "failed");
      });
      setVoting(true);
      announce(text.disconnectedVotable);
    });
  }

  function send(payload) {
    var data = JSON.stringify(payload);
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(data); return; }
    pending = data;
    if (!socket) connect();
  }

  function startTurn(prompt) {
    ["a", "b"].forEach(function (side) {
      var q = document.createElement("p");
      q.className = "turn-prompt";
      q.textContent = prompt;
      var answer = document.createElement("div");
      answer.className = "turn-answer md";
      panes[side].appendChild(q);
      panes[side].appendChild(answer);
      panes[side].setAttribute("aria-busy", "true");
      answers[side] = answer;
      sides[side] = freshSide();
      heard(side, "waiting");
    });
    setHint(hintWaiting);
    startTicker();
  }

  // A side that did not finish (failed, or stopped by a response rule): its pane says why.
  function sideEnded(event) {
    paintNow(event.side);
    setState(event.side, event.type === E.SideModerated ? "stopped" : "failed");
    announce(text.sideFailed.replace("%(side)s", sideName(event.side)) + " " + event.message);
    panes[event.side].setAttribute("aria-busy", "false");
    var note = document.createElement("p");
    note.className = "side-error";
    note.setAttribute("data-testid", "side-error-" + event.side);
    note.textContent = event.message;
    panes[event.side].appendChild(note);
  }

  function handle(event) {
    switch (event.type) {
      case E.BattleOpened:
        battleField.value = event.battle_id;
        break;
      case E.TurnStarted:
        startTurn(event.prompt);
        if (event.masked && event.masked.length) {
          var note = document.createElement("p");
          note.className = "redaction-note";
          note.textContent = text.masked + " " + event.masked.join(", ");
          panes.a.insertBefore(note.cloneNode(true), answers.a);
          panes.b.insertBefore(note, answers.b);
          announce(note.textContent + " " + text.started);
        } else {
          announce(text.started);
        }
        break;
      case E.Delta:
        sides[event.side].raw += event.text;
        heard(event.side, "streaming");
        schedulePaint(event.side);
        break;
      case E.Thinking:
        // Reasoning before the answer; once text flows, the side is answering whatever it thinks.
        heard(event.side, sides[event.side].raw ? "streaming" : "thinking");
        if (!sides[event.side].thinkingSaid && !sides[event.side].raw) {
          sides[event.side].thinkingSaid = true;
          announce(text.thinking.replace("%(side)s", sideName(event.side)));
        }
        break;
      case E.SideDone:
        paintNow(event.side);
        setState(event.side, "done");
        panes[event.side].setAttribute("aria-busy", "false");
        announce(event.side === "a" ? text.sideDoneA : text.sideDoneB);
        break;
      case E.SideError:
      case E.SideModerated:
        sideEnded(event);
        break;
      case E.TurnDone:
        busy = false;
        stopTicker();
        if (!event.votable) { closeBattle(text.failed); break; }
        votableTurns += 1;
        unlockVotingAfterReading();
        if (event.turns_left <= 0) {
          input.disabled = true;
          sendButton.disabled = true;
          announce(text.votableLast);
        } else {
          setSending(true);
          announce(text.votable);
        }
        break;
      case E.Refused:
      case E.Blocked:
        busy = false;
        setSending(!closed);
        showError(event.message);
        break;
      case E.Crisis:
        busy = false;
        setSending(!closed);
        showCrisis(event);
        break;
      case E.IdentityMasked:
        if (!maskedNoteShown) {
          maskedNoteShown = true;
          var masked = document.createElement("p");
          masked.className = "redaction-note";
          masked.textContent = text.identityMasked;
          panes[event.side].appendChild(masked);
        }
        break;
    }
  }

  // Before a prompt leaves, the citizen sees what would be masked in it and may edit or cancel.
  // The server redacts again on send whatever the page does: this is a courtesy, not the guard.
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function showPreview(data, prompt) {
    previewPending = prompt;
    previewText.textContent = "";
    var counts = {};
    data.segments.forEach(function (segment) {
      if (!segment.kind) { previewText.appendChild(document.createTextNode(segment.text)); return; }
      var mark = document.createElement("mark");
      mark.dataset.kind = segment.kind;
      var hint = document.createElement("span");
      hint.className = "visually-hidden";
      hint.textContent = "(" + text.previewMaskedAs + " " + segment.label + ") ";
      mark.appendChild(hint);
      mark.appendChild(document.createTextNode(segment.text));
      var badge = document.createElement("span");
      badge.className = "pii-kind";
      badge.setAttribute("aria-hidden", "true");
      badge.textContent = segment.label;
      mark.appendChild(badge);
      previewText.appendChild(mark);
      counts[segment.label] = (counts[segment.label] || 0) + 1;
    });
    previewSummary.textContent = text.previewSummary + " " + Object.keys(counts).map(function (label) {
      return text.previewCount.replace("%(kind)s", label).replace("%(n)s", counts[label]);
    }).join(", ");
    preview.hidden = false;
    announce(text.previewFound);
    previewTitle.focus();
  }

  function closePreview() {
    preview.hidden = true;
    previewText.textContent = "";  // the citizen's raw details do not linger in the page
    previewPending = null;
    busy = false;
    setSending(!closed);
  }

  function sendPrompt(prompt) {
    preview.hidden = true;
    previewText.textContent = "";
    previewPending = null;
    busy = true;
    setVoting(false);
    setSending(false);
    input.value = "";
    updateCount();
    send({ type: "prompt", text: prompt });
  }

  function submit() {
    if (busy || closed) return;
    var prompt = input.value.trim();
    if (!prompt) { showError(text.empty); input.focus(); return; }
    if (prompt.length > maxChars) { showError(text.tooLong + " (" + prompt.length + " / " + maxChars + ")"); input.focus(); return; }
    showError("");
    busy = true;
    setSending(false);
    fetch(root.dataset.previewUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ text: prompt }),
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) throw new Error("preview " + response.status);
      return response.json();
    }).then(function (data) {
      if (data.kinds && data.kinds.length) showPreview(data, prompt);
      else sendPrompt(prompt);
    }).catch(function () {
      sendPrompt(prompt);  // no preview: the server still masks before anything is sent
    });
  }

  preview.querySelector("[data-testid=preview-send]").addEventListener("click", function () {
    if (previewPending !== null) sendPrompt(previewPending);
  });
  preview.querySelector("[data-testid=preview-edit]").addEventListener("click", function () {
    closePreview();
    input.focus();
  });
  preview.querySelector("[data-testid=preview-cancel]").addEventListener("click", function () {
    closePreview();
    input.value = "";
    updateCount();
    announce(text.previewCancelled);
    input.focus();
  });
  preview.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); closePreview(); input.focus(); }
  });

  function updateCount() { count.textContent = input.value.length + " / " + maxChars; }

  form.addEventListener("submit", function (event) { event.preventDefault(); submit(); });
  input.addEventListener("input", updateCount);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); submit(); }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var title = document.getElementById("reveal-title");
    if (title && event.detail.target.id === "vote-area") {
      closed = true;
      title.focus();
    }
  });
  connect();
})();
