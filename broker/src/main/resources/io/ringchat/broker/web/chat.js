// The ringchat page: the line protocol of docs/PROTOCOL.md over a WebSocket at /ws.
// Everything from the network is inserted with textContent, never as HTML.
"use strict";

(() => {
  const params = new URLSearchParams(location.search);
  // A PING goes out this often, and a PING unanswered this long means the connection is dead.
  const keepaliveMs = 1000 * Number(params.get("keepalive") || 15);
  const maxBackoffMs = 30000;
  // After a drop the old session may still hold the name for a moment: retry name_taken this long.
  const rejoinGraceMs = 10000;
  // Kept messages shown on joining (protocol 1.1: JOIN <name> HISTORY <n>).
  const scrollback = Number(params.get("scrollback") || 20);

  const $ = (id) => document.getElementById(id);
  const ui = {
    status: $("status"), banner: $("banner"), join: $("join"), name: $("name"),
    nameError: $("name-error"), room: $("room"), log: $("log"), messages: $("messages"),
    send: $("send"),
    text: $("text"), leave: $("leave"), members: $("members"), memberCount: $("member-count"),
  };

  let socket = null;
  let myName = null;        // the name we joined (or want to rejoin) under
  let joined = false;
  let wantJoin = false;     // the user asked to be in the room (reconnect and rejoin)
  let backoffMs = 1000;
  let reconnectTimer = null;
  let rejoinUntil = 0;      // while name_taken is retried after a reconnect
  let pingTimer = null;
  let pongTimer = null;
  let pingSeq = 0;
  const members = new Map(); // folded name -> shown name
  // Protocol 1.1: where this page got to in the room's numbering, to come back SINCE it.
  let epoch = null;
  let lastSeq = 0;
  let replaying = false;    // between a positioned WELCOME and its REPLAYED: history
  let resuming = false;     // the JOIN in flight (or just answered) was SINCE
  let epochUnknown = false; // the broker restarted: what was missed cannot be known
  let positionedJoin = false; // a positioned JOIN is in flight
  let plainJoin = false;    // its bad_name was answered with a plain JOIN, now in flight
  let saidNoHistory = false;

  const fold = (name) => name.normalize("NFC").toLowerCase();

  function setStatus(text) { ui.status.textContent = text; }

  function showBanner(text) {
    ui.banner.textContent = text;
    ui.banner.hidden = !text;
  }

  /** A time element: `at` (a Date) in local time, the date too when it is not today. */
  function timeOf(at) {
    const t = document.createElement("time");
    t.dateTime = at.toISOString();
    const options = { hour: "2-digit", minute: "2-digit" };
    if (at.toDateString() !== new Date().toDateString()) {
      options.year = "numeric";
      options.month = "short";
      options.day = "numeric";
    }
    t.textContent = at.toLocaleString([], options);
    return t;
  }

  // The explicit directional formatting characters (embeddings, overrides, isolates) would let a
  // line disguise itself: they are shown as escapes, as the CLI shows them. LRM, RLM and ALM stay,
  // so that right-to-left text reads right.
  const directionalControls = /[\u202a-\u202e\u2066-\u2069]/g;
  const visible = (text) =>
    text.replace(directionalControls, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));

  /** Text from the network in an isolate of its own: its direction never reaches what follows. */
  function isolate(className, text) {
    const bdi = document.createElement("bdi");
    bdi.className = className;
    bdi.textContent = visible(text);
    return bdi;
  }

  /**
   * A line of the log: the time, then parts that are either our own words (strings) or text from
   * the network ({ name } or { text }), each of those isolated.
   */
  function addLine(kind, ...parts) {
    addLineAt(new Date(), kind, ...parts);
  }

  /** As addLine, with the time the line was said (the room's clock, for POST lines). */
  function addLineAt(at, kind, ...parts) {
    const li = document.createElement("li");
    li.className = kind;
    li.appendChild(timeOf(at));
    for (const part of parts) {
      if (typeof part === "string") {
        li.appendChild(document.createTextNode(part));
      } else if ("name" in part) {
        li.appendChild(isolate("who", part.name));
      } else {
        li.appendChild(isolate("text", part.text));
      }
    }
    const atBottom = ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 40;
    ui.messages.appendChild(li);
    if (atBottom || kind === "mine") {
      li.scrollIntoView({ block: "end" });
    }
  }

  function renderMembers() {
    ui.members.replaceChildren();
    const names = [...members.values()].sort((a, b) => a.localeCompare(b));
    for (const name of names) {
      const li = document.createElement("li");
      li.appendChild(isolate("who", name));
      if (myName && fold(name) === fold(myName)) {
        li.className = "me";
        li.appendChild(document.createTextNode(" (you)"));
      }
      ui.members.appendChild(li);
    }
    ui.memberCount.textContent = "(" + names.length + ")";
  }

  function showRoom(inRoom) {
    ui.room.hidden = !inRoom;
    ui.join.hidden = inRoom;
    (inRoom ? ui.text : ui.name).focus();
  }

  function send(line) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(line);
      return true;
    }
    return false;
  }

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    setStatus("Connecting…");
    const ws = new WebSocket(scheme + location.host + "/ws");
    socket = ws;
    ws.onopen = () => {
      if (ws !== socket) return;
      backoffMs = 1000;
      setStatus("Connected.");
      showBanner("");
      startKeepalive();
      if (wantJoin && myName) sendJoin();
    };
    ws.onmessage = (event) => {
      if (ws !== socket) return;
      heardFrom();
      for (const line of String(event.data).split("\n")) {
        if (line !== "") onLine(line);
      }
    };
    ws.onclose = () => {
      if (ws !== socket) return;
      socket = null;
      dropped("The connection to the chat server was lost.");
    };
  }

  /** The connection is gone: say so, and come back with back-off if the user is in the room. */
  function dropped(why) {
    stopKeepalive();
    const wasJoined = joined;
    joined = false;
    if (socket) {
      const s = socket;
      socket = null;
      s.close();
    }
    if (!wantJoin) {
      setStatus("Not connected.");
      return;
    }
    if (wasJoined) rejoinUntil = Date.now() + rejoinGraceMs;
    const delay = backoffMs + Math.floor(Math.random() * 250);
    backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    showBanner(why + " Reconnecting in " + Math.ceil(delay / 1000) + " s…");
    setStatus("Disconnected.");
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, delay);
  }

  function startKeepalive() {
    stopKeepalive();
    pingTimer = setInterval(() => {
      if (pongTimer !== null) return; // one PING in flight at a time
      pingSeq += 1;
      if (!send("PING k" + pingSeq)) return;
      pongTimer = setTimeout(() => {
        pongTimer = null;
        dropped("The chat server stopped answering.");
      }, keepaliveMs);
    }, keepaliveMs);
  }

  function stopKeepalive() {
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
    pingTimer = null;
    pongTimer = null;
  }

  /** Any line proves the connection alive, the PONG included. */
  function heardFrom() {
    clearTimeout(pongTimer);
    pongTimer = null;
  }

  /**
   * JOIN, positioned: SINCE where this page got to when it has been in the room before (so it is
   * sent exactly what it missed), else the newest `scrollback` kept messages.
   */
  function sendJoin() {
    resuming = epoch !== null;
    epochUnknown = false;
    positionedJoin = true;
    plainJoin = false;
    send("JOIN " + myName + (resuming ? " SINCE " + epoch + ":" + lastSeq : " HISTORY " + scrollback));
  }

  function onLine(line) {
    const sp = line.indexOf(" ");
    const word = sp < 0 ? line : line.slice(0, sp);
    const rest = sp < 0 ? "" : line.slice(sp + 1);
    switch (word) {
      case "WELCOME": {
        const parts = rest.split(" ");
        myName = parts[0];
        joined = true;
        positionedJoin = false;
        if (parts.length > 2) {
          const colon = parts[2].indexOf(":");
          const welcomeEpoch = parts[2].slice(0, colon);
          // Go on from the last line this connection read: after a SINCE in the room's epoch that
          // is the SINCE until the replay brings its lines (a connection lost before them asks
          // again); after a first join, or in a new epoch (GAP unknown follows), the WELCOME's.
          if (!(resuming && welcomeEpoch === epoch)) lastSeq = Number(parts[2].slice(colon + 1));
          epoch = welcomeEpoch;
          replaying = true;
        } else if (plainJoin) {
          plainJoin = false;
          resuming = false;
          if (!saidNoHistory) {
            saidNoHistory = true;
            addLine("notice", "(this broker keeps no history)");
          }
        }
        rejoinUntil = 0;
        members.clear();
        members.set(fold(myName), myName);
        renderMembers();
        showRoom(true);
        ui.nameError.textContent = "";
        addLine("notice", "You joined as ", { name: myName }, "; " + parts[1] + " in the room.");
        send("WHO");
        break;
      }
      case "JOINED":
        members.set(fold(rest), rest);
        renderMembers();
        addLine("notice", { name: rest }, " joined");
        break;
      case "LEFT":
        members.delete(fold(rest));
        renderMembers();
        addLine("notice", { name: rest }, " left");
        break;
      case "MSG": {
        const s2 = rest.indexOf(" ");
        const who = s2 < 0 ? rest : rest.slice(0, s2);
        addLine("msg", { name: who }, ": ", { text: s2 < 0 ? "" : rest.slice(s2 + 1) });
        break;
      }
      case "POST": {
        // POST <seq> <unix-ms> <name> <text>
        const [seq, ms] = rest.split(" ", 2);
        const after = rest.slice(seq.length + ms.length + 2);
        const s2 = after.indexOf(" ");
        const who = s2 < 0 ? after : after.slice(0, s2);
        lastSeq = Number(seq);
        addLineAt(new Date(Number(ms)), replaying ? "msg history" : "msg",
          { name: who }, ": ", { text: s2 < 0 ? "" : after.slice(s2 + 1) });
        break;
      }
      case "SENT":
        lastSeq = Number(rest.split(" ")[0]);
        break;
      case "GAP":
        if (rest === "unknown") {
          epochUnknown = true;
          addLine("notice", "(the broker restarted: what was said while you were away is unknown)");
        } else {
          const [from, to] = rest.split(" ").map(Number);
          lastSeq = to;
          addLine("notice", "(" + (to - from + 1) + " messages sent while you were away are no longer kept)");
        }
        break;
      case "REPLAYED": {
        replaying = false;
        const n = Number(rest);
        if (resuming && !epochUnknown) {
          addLine("notice", n === 1
            ? "(back: 1 message while you were away)"
            : "(back: " + n + " messages while you were away)");
        }
        break;
      }
      case "MEMBER":
        members.set(fold(rest), rest);
        break;
      case "MEMBERS":
        renderMembers();
        break;
      case "BYE":
        wantJoin = false;
        joined = false;
        setStatus("You left the room.");
        break;
      case "ERR":
        onError(rest);
        break;
      default:
        break; // PONG, and anything newer than this page
    }
  }

  function onError(rest) {
    const sp = rest.indexOf(" ");
    const code = sp < 0 ? rest : rest.slice(0, sp);
    const text = sp < 0 ? "" : rest.slice(sp + 1);
    if (!joined && code === "bad_name" && positionedJoin) {
      // A broker of protocol version 1 (or a cluster's) answers HISTORY and SINCE so: join plainly;
      // only if that is accepted does it follow that it keeps no history.
      positionedJoin = false;
      plainJoin = true;
      send("JOIN " + myName);
      return;
    }
    if (!joined && (code === "name_taken" || code === "bad_name" || code === "bad_text")) {
      if (code === "name_taken" && Date.now() < rejoinUntil) {
        setTimeout(() => { if (wantJoin && !joined) sendJoin(); }, 500);
        return;
      }
      wantJoin = false;
      rejoinUntil = 0;
      showRoom(false);
      ui.nameError.textContent =
        code === "name_taken"
          ? "Somebody in the room already has that name. Please choose another."
          : "That name is not allowed: " + text + ". Please choose another.";
      ui.name.select();
      return;
    }
    if (code === "shutting_down" || code === "slow_consumer" || code === "server_full") {
      showBanner("The server said: " + text);
      return; // the close follows; onclose reconnects
    }
    addLine("err", "Not sent: " + text + " (" + code + ")");
  }

  ui.join.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = ui.name.value.trim();
    if (!name) return;
    myName = name;
    wantJoin = true;
    rejoinUntil = 0;
    ui.nameError.textContent = "";
    epoch = null; // a new join, not a return: the newest kept messages, not what was missed
    lastSeq = 0;
    if (!(socket && socket.readyState === WebSocket.OPEN)) {
      if (!reconnectTimer && !socket) connect();
      return;
    }
    sendJoin();
  });

  ui.send.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = ui.text.value;
    if (text === "" || !joined) return;
    if (send("SEND " + text)) {
      addLine("mine", { name: myName }, " (you): ", { text });
      ui.text.value = "";
    } else {
      addLine("err", "Not sent: not connected.");
    }
  });

  ui.leave.addEventListener("click", () => {
    wantJoin = false;
    send("LEAVE");
    members.clear();
    renderMembers();
    showRoom(false);
  });

  connect();
})();
