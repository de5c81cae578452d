// Timeline: the event history, newest first, filtered by host, type and name (in the URL). It reads GET /events once
// and then the events relayed by the page's stream (event: mesh_event); until the hub has an event history it says so.
import { el, replace, formatTime } from "../dom.js";

const limit = 500;

export class TimelineView {
  title = "Timeline";

  constructor(main, query, app) {
    this.app = app;
    this.events = [];
    this.filter = { host: query.get("host") || "", type: query.get("type") || "", name: query.get("name") || "" };
    this.list = el("ol", { class: "timeline", reversed: true });
    this.status = el("p", { class: "note", role: "status" }, "Loading the event history…");
    const input = (key, label) => el("div", { class: "field" }, el("label", { for: `timeline-${key}` }, label),
      el("input", { id: `timeline-${key}`, type: "search", value: this.filter[key], oninput: e => this.set({ [key]: e.target.value }) }));
    main.append(el("h2", {}, "Timeline"),
      el("div", { class: "filters", role: "search" }, input("host", "Host"), input("type", "Type"), input("name", "Name")),
      this.status, this.list);
    this.load();
  }

  async load() {
    try {
      const response = await fetch(`/events?limit=${limit}`);
      if (response.status === 404) {
        this.status.textContent = "This hub keeps no event history yet: the timeline fills in once it does.";
        return;
      }
      const body = await response.json();
      this.events = (body.events || []).slice().sort((a, b) => b.seq - a.seq);
      this.status.textContent = "";
      this.render();
    } catch {
      this.status.textContent = "The event history could not be read.";
    }
  }

  set(change) {
    Object.assign(this.filter, change);
    const query = { view: "timeline" };
    for (const [key, value] of Object.entries(this.filter)) if (value) query[key] = value;
    this.app.navigate(query, true);
    this.render();
  }

  /** One event relayed by the stream. */
  event(e) {
    this.events.unshift(e);
    if (this.events.length > limit) this.events.length = limit;
    this.render();
  }

  render() {
    const { host, type, name } = this.filter;
    const shown = this.events.filter(e => (!host || e.host_name === host) && (!type || e.type === type) &&
      (!name || (e.name || "").includes(name)));
    replace(this.list, shown.map(e => el("li", { class: `event type-${e.type}` },
      el("time", { datetime: e.time }, formatTime(e.time)), " ",
      el("strong", {}, e.type), ` ${e.host_name} `,
      e.name ? `${e.name} ` : "", e.pid ? `pid ${e.pid} ` : "",
      e.exit_code !== undefined && e.exit_code !== null ? `exit ${e.exit_code} ` : "",
      e.signal ? `signal ${e.signal} ` : "", e.reason ? `(${e.reason}) ` : "",
      e.delay_ms ? `restart in ${e.delay_ms} ms` : "")));
  }
}
