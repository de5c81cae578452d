// The dashboard's shell: login, the one live connection (GET /ui/stream), and the view named in the URL query.
import * as api from "./api.js";
import { replace } from "./dom.js";
import { FleetView } from "./views/fleet.js";
import { ProcessesView } from "./views/processes.js";
import { ProcessView } from "./views/process.js";
import { TimelineView } from "./views/timeline.js";
import { eventTypes } from "./views/events.js";

const views = { fleet: FleetView, processes: ProcessesView, process: ProcessView, timeline: TimelineView };
const main = document.getElementById("main");
const connection = document.getElementById("connection");
const replyLine = document.getElementById("reply");
const loginForm = document.getElementById("login");

let streamOpened;

/** What every view may use: the caller, the latest fleet snapshot, the stream being open, navigation, and the reply line. */
const app = {
  session: null,
  snapshot: null,
  /** Resolves once the stream is open: from then on it relays every new event, so a read of GET /events misses none. */
  streamOpen: new Promise(resolve => { streamOpened = resolve; }),
  isAdmin() { return this.session && this.session.role === "admin"; },
  navigate(query, replaceEntry = false) {
    const url = "/?" + new URLSearchParams(query).toString();
    if (replaceEntry) history.replaceState(null, "", url); else history.pushState(null, "", url);
    if (!replaceEntry) route();
  },
  /** Runs one operation and shows the hub's reply in plain words. Resolves to the reply. */
  async act(operation, hostName, body) {
    const request = hostName ? { host_name: hostName, [operation]: body } : { [operation]: body };
    let reply;
    try {
      reply = await api.control(request);
    } catch {
      reply = { status: 0, body: { success: false, error_message: "the hub did not answer" } };
    }
    const { ok, text } = api.describe(operation, hostName, reply);
    replyLine.hidden = false;
    replyLine.className = ok ? "ok" : "error";
    replyLine.textContent = text;
    return reply;
  },
};

let view = null;
let stream = null;
/** The session is being asked: a stream refused meanwhile leaves the next step to its answer. */
let starting = false;

function route() {
  const query = new URLSearchParams(location.search);
  const name = views[query.get("view")] ? query.get("view") : "fleet";
  for (const a of document.querySelectorAll("nav a")) {
    if (a.dataset.view === name || (name === "process" && a.dataset.view === "processes")) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  view?.dispose?.();
  replace(main);
  view = new views[name](main, query, app);
  if (app.snapshot) view.update?.(app.snapshot);
  document.title = `BlueZero · ${view.title}`;
}

function connect() {
  stream?.close();
  stream = new EventSource("/ui/stream");
  stream.addEventListener("open", () => {
    if (!performance.getEntriesByName("b0:open").length) performance.mark("b0:open");
    show("live", "Live: updates arrive as they happen.");
    streamOpened();
  });
  stream.addEventListener("fleet", message => {
    const first = app.snapshot === null;
    // The first render, for tests and the bench: performance.getEntriesByName("b0:snapshot" / "b0:rendered").
    if (first) performance.mark("b0:snapshot");
    app.snapshot = JSON.parse(message.data);
    view?.update?.(app.snapshot);
    if (first) performance.mark("b0:rendered");
  });
  // Only the hosts' figures changed: the hub sends GET /hosts alone, not the whole snapshot again.
  stream.addEventListener("hosts", message => {
    if (!app.snapshot) return;
    app.snapshot = { ...app.snapshot, fleet: JSON.parse(message.data) };
    (view?.hosts ?? view?.update)?.call(view, app.snapshot);
  });
  // The stored events, one SSE event type per event type (as GET /events/stream); a reconnection resumes after the
  // last one seen (Last-Event-ID), so none is lost or shown twice.
  for (const type of eventTypes) stream.addEventListener(type, message => view?.event?.(JSON.parse(message.data)));
  stream.addEventListener("error", () => {
    show("lost", "The hub went away: reconnecting…");
    // EventSource retries by itself unless the hub answered with an error (e.g. the session ended): then start over,
    // unless the session's answer is still awaited: it decides (a login, or another start).
    if (stream.readyState === EventSource.CLOSED && !starting) setTimeout(start, 2000);
  });
}

function show(state, text) {
  connection.className = state;
  connection.textContent = text;
}

async function start() {
  // The stream opens beside the session's request, not after its answer: the first snapshot comes a round trip
  // sooner. With a token file the hub refuses the stream without a valid session, so no data arrives before a login.
  starting = true;
  connect();
  let reply = null;
  try {
    reply = await api.session();
  } catch {
    // the hub is not there: below, as for a refused stream
  }
  starting = false;
  if (reply === null) {
    stream.close();
    show("lost", "The hub went away: reconnecting…");
    setTimeout(start, 2000);
    return;
  }
  if (reply.status === 401) {
    showLogin();
    return;
  }
  if (!performance.getEntriesByName("b0:session").length) performance.mark("b0:session");
  app.session = reply.body;
  loginForm.hidden = true;
  document.getElementById("nav").hidden = false;
  document.getElementById("who").textContent = reply.body.auth_required ? `${reply.body.name} (${reply.body.role})` : "";
  document.getElementById("logout").hidden = !reply.body.auth_required;
  document.body.classList.toggle("admin", app.isAdmin());
  // Refused while the session was asked, for another reason than a login (its error handler left it to us).
  if (stream.readyState === EventSource.CLOSED) setTimeout(start, 2000);
  route();
}

function showLogin() {
  stream?.close();
  app.session = null;
  app.snapshot = null;
  view?.dispose?.();
  view = null;
  replace(main);
  document.getElementById("nav").hidden = true;
  document.getElementById("logout").hidden = true;
  document.getElementById("who").textContent = "";
  show("", "Log in to see the fleet.");
  loginForm.hidden = false;
  document.getElementById("login-token").focus();
}

loginForm.addEventListener("submit", async event => {
  event.preventDefault();
  const input = document.getElementById("login-token");
  const error = document.getElementById("login-error");
  const reply = await api.login(input.value);
  if (reply.status !== 200) {
    error.textContent = `Not logged in: ${reply.body.error_message}`;
    return;
  }
  input.value = "";
  error.textContent = "";
  start();
});

document.getElementById("logout").addEventListener("click", async () => {
  await api.logout();
  showLogin();
});

// Links inside the page change the view without a reload; the URL keeps the view, so it can be shared.
document.addEventListener("click", event => {
  const a = event.target.closest("a[data-nav], nav a");
  if (!a || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  history.pushState(null, "", a.getAttribute("href"));
  leaveView();
  main.focus();
});
window.addEventListener("popstate", leaveView);

/** The user goes elsewhere: the last action's reply stays with the view it was made on, not on the next one. */
function leaveView() {
  replyLine.hidden = true;
  route();
}

// Where the first render's time goes, for the bench: modules loaded (b0:start), session known, stream open, snapshot, drawn.
performance.mark("b0:start");
start();
