// Events of the hub's history (docs/PROTOCOL.md section 13) as a list, newest first: one page read with GET /events,
// then the live events the page's stream relays. Runs of restarts of one process (started, exited, backing off) are
// folded into one line that says how many, how they ended and over what time, and so are runs of one host going
// unreachable and reachable again: a restart storm or a flapping node reads at a glance, and opens to its events.
import { el, replace, formatTime } from "../dom.js";

export const eventTypes = ["hub_started", "node_up", "node_unreachable", "node_reachable", "node_left", "node_removed",
  "process_started", "process_exited", "stop_requested", "process_backing_off", "process_failed", "process_scheduled",
  "process_lost", "process_readopted", "start_failed", "events_dropped"];

const kept = 500;        // events on the page at most: an open page does not grow
const foldFrom = 2;      // turns of a cycle in a row that make one folded row
// A restart storm relays about 30 events a second, and drawing 500 rows for each one kept a core of the browser busy
// and the page falling behind: live events are drawn together, at most this often (ms).
const drawEvery = 250;

/**
 * The cycles that fold: the event types of one turn, the type counted as a turn, and whose run an event belongs to
 * (one process: host and name; one node: host). Any other event of the same process, or node, ends its run.
 */
const cycles = [
  { kind: "storm", title: "restart storm", types: new Set(["process_started", "process_exited", "process_backing_off"]), turn: "process_backing_off",
    owner: e => e.name && !e.type.startsWith("node_") ? `process\u0000${e.host_name}\u0000${e.name}` : null,
    summary: group => {
      const exits = group.filter(e => e.type === "process_exited");
      const codes = [...new Set(exits.map(e => e.signal ? `signal ${e.signal}` : `exit code ${e.exit_code}`))];
      return `${exits.length} exits (${codes.join(", ")})`;
    } },
  { kind: "flapping", title: "node flapping", types: new Set(["node_unreachable", "node_reachable"]), turn: "node_unreachable",
    owner: e => e.type.startsWith("node_") ? `node\u0000${e.host_name}` : null,
    summary: group => `unreachable ${group.filter(e => e.type === "node_unreachable").length} times` },
];

export class EventList {
  /** @param filter {host, type, name, pid}: each optional, matched exactly as GET /events does. */
  constructor(app, filter) {
    this.app = app;
    this.filter = filter;
    this.events = [];
    this.seen = new Set();
    this.opened = new Set(); // folded rows the user opened, by their oldest event's seq: they stay open as events arrive
    this.renderTimer = null; // a draw waiting for drawEvery to pass since the last one
    this.renderedAt = -Infinity;
    this.list = el("ol", { class: "timeline" });
    this.status = el("p", { class: "note", role: "status" }, "Loading the event history…");
    this.element = el("div", { class: "events" }, this.status, this.list);
  }

  /** Reads the newest page once the stream is open: what it missed arrives live, so nothing falls between the two. */
  async load() {
    const generation = this.generation = (this.generation || 0) + 1;
    const query = new URLSearchParams({ limit: kept, order: "desc" });
    for (const key of ["host", "type", "name", "pid"]) if (this.filter[key]) query.set(key, this.filter[key]);
    await this.app.streamOpen;
    let body;
    try {
      const response = await fetch(`/events?${query}`);
      body = await response.json();
      if (!response.ok) {
        this.status.textContent = `The event history could not be read: ${body.error_message || `HTTP ${response.status}`}`;
        return;
      }
    } catch {
      this.status.textContent = "The event history could not be read.";
      return;
    }
    if (generation !== this.generation) return; // the filter changed meanwhile
    const live = this.events;
    this.events = [];
    this.seen = new Set();
    for (const e of [...live, ...(body.events || [])]) this.add(e);
    this.render();
  }

  /** A new filter: the list starts over with what GET /events answers for it. */
  refilter(filter) {
    this.filter = filter;
    this.events = [];
    this.seen = new Set();
    return this.load();
  }

  /** One event relayed by the stream; the list ignores those its filter does not take. */
  event(e) {
    if (!this.matches(e) || this.seen.has(e.seq)) return;
    this.add(e);
    this.renderSoon();
  }

  /** The first event after a quiet spell is drawn at once; those that follow it within drawEvery wait for one draw. */
  renderSoon() {
    if (this.renderTimer) return;
    const wait = Math.max(0, this.renderedAt + drawEvery - performance.now());
    this.renderTimer = setTimeout(() => this.render(), wait);
  }

  matches(e) {
    const { host, type, name, pid } = this.filter;
    return (!host || e.host_name === host) && (!type || e.type === type) && (!name || e.name === name) && (!pid || e.pid === Number(pid));
  }

  add(e) {
    if (this.seen.has(e.seq)) return;
    this.seen.add(e.seq);
    this.events.push(e);
  }

  render() {
    clearTimeout(this.renderTimer);
    this.renderTimer = null;
    this.renderedAt = performance.now();
    this.events.sort((a, b) => b.seq - a.seq);
    while (this.events.length > kept) this.seen.delete(this.events.pop().seq);
    this.status.textContent = this.events.length ? "" : "No events yet.";
    // What the user opened or closed is read from the rows themselves: a click sets a row's open state at once, while
    // its toggle event comes later and may find the row already drawn again.
    for (const details of this.list.querySelectorAll("li.folded > details"))
      details.open ? this.opened.add(Number(details.dataset.oldest)) : this.opened.delete(Number(details.dataset.oldest));
    replace(this.list, folded(this.events).map(({ cycle, events }) => cycle ? foldedRow(cycle, events, this.opened) : line(events[0])));
  }
}

/**
 * Groups, newest first. A run of one cycle (one process's started, exited and backing-off events, or one node's
 * unreachable and reachable events, with nothing else of that process or node between them) with at least foldFrom
 * turns is one group, at the place of its newest event, even when other events fall between; every other event is a
 * group of one.
 */
function folded(events) {
  const open = new Map();   // the open run of each process or node
  const runs = [];
  for (const e of events) {
    for (const cycle of cycles) {
      const owner = cycle.owner(e);
      if (!owner) continue;
      if (!cycle.types.has(e.type)) { open.delete(owner); continue; }
      if (!open.has(owner)) { const run = { cycle, events: [] }; open.set(owner, run); runs.push(run); }
      open.get(owner).events.push(e);
    }
  }
  const runOf = new Map();
  for (const run of runs)
    if (run.events.filter(e => e.type === run.cycle.turn).length >= foldFrom) for (const e of run.events) runOf.set(e, run);
  const groups = [];
  for (const e of events) {
    const run = runOf.get(e);
    if (!run) groups.push({ cycle: null, events: [e] });
    else if (run.events[0] === e) groups.push(run);
  }
  return groups;
}

function line(e) {
  return el("li", { class: `event type-${e.type}`, "data-seq": e.seq },
    el("time", { datetime: e.time }, formatTime(e.time)), " ",
    el("strong", {}, e.type.replaceAll("_", " ")), " ", el("span", { class: "host" }, e.host_name), " ",
    e.name ? el("span", { class: "name" }, e.name) : null, " ", details(e));
}

/** The fields that say what happened, in words. */
function details(e) {
  const parts = [];
  if (e.pid) parts.push(`pid ${e.pid}`);
  if (e.type === "process_exited") {
    if (e.signal) parts.push(`signal ${e.signal}`);
    else if (e.exit_code !== undefined) parts.push(`exit code ${e.exit_code}`);
    if (e.reason) parts.push(`(${e.reason})`);
  }
  if (e.delay_ms !== undefined) parts.push(`restart in ${e.delay_ms} ms`);
  if (e.restarts !== undefined) parts.push(`restarts ${e.restarts}`);
  if (e.by) parts.push(`by ${e.by}`);
  if (e.error) parts.push(e.error);
  if (e.count !== undefined) parts.push(`${e.count} events lost`);
  if (e.next_run) parts.push(`next run ${formatTime(e.next_run)}`);
  return parts.join(" ");
}

/** One row for a run: what it was, how many turns, from when to when; it opens to the events. */
function foldedRow(cycle, group, opened) {
  const newest = group[0], oldest = group[group.length - 1];
  return el("li", { class: `event folded ${cycle.kind}`, "data-seq": newest.seq, "data-count": group.length },
    el("details", { open: opened.has(oldest.seq), "data-oldest": oldest.seq },
      el("summary", {},
        el("time", { datetime: newest.time }, formatTime(newest.time)), " ",
        el("strong", {}, cycle.title), " ", el("span", { class: "host" }, newest.host_name), " ",
        newest.name ? el("span", { class: "name" }, newest.name) : null, " ",
        `${cycle.summary(group)}, ${group.length} events from ${formatTime(oldest.time)} to ${formatTime(newest.time)}`),
      el("ol", {}, group.map(line))));
}
