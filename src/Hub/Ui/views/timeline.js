// Timeline: the event history, newest first, filtered by host, type and name (in the URL, so a view can be linked).
// GET /events answers the filtered page; the events the page's stream relays are prepended as they happen.
import { el, select } from "../dom.js";
import { EventList, eventTypes } from "./events.js";

export class TimelineView {
  title = "Timeline";

  constructor(main, query, app) {
    this.app = app;
    const filter = { host: query.get("host") || "", type: eventTypes.includes(query.get("type")) ? query.get("type") : "", name: query.get("name") || "" };
    this.events = new EventList(app, filter);
    const text = (key, label, hint) => el("div", { class: "field" }, el("label", { for: `timeline-${key}` }, label),
      el("input", { id: `timeline-${key}`, type: "search", value: filter[key], placeholder: hint, onchange: e => this.set({ [key]: e.target.value.trim() }) }));
    const types = select("type", [["", "any"], ...eventTypes.map(t => [t, t.replaceAll("_", " ")])], filter.type);
    types.id = "timeline-type";
    types.addEventListener("change", e => this.set({ type: e.target.value }));
    main.append(el("h2", {}, "Timeline"),
      el("div", { class: "filters", role: "search" },
        text("host", "Host", "exact host name"),
        el("div", { class: "field" }, el("label", { for: "timeline-type" }, "Type"), types),
        text("name", "Name", "exact process name")),
      this.events.element);
    this.events.load();
  }

  set(change) {
    const filter = { ...this.events.filter, ...change };
    const query = { view: "timeline" };
    for (const [key, value] of Object.entries(filter)) if (value) query[key] = value;
    this.app.navigate(query, true);
    this.events.refilter(filter);
  }

  event(e) { this.events.event(e); }
}
