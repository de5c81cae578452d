// Processes across hosts: filter by host, state and text, sort by any column; both live in the URL query.
// The table draws one page of rows (a thousand rows of DOM would cost the first render most of its time); "Show more"
// adds a page, and how many rows are shown lives in the URL too.
import { el, replace, formatDuration, formatPercent, formatBytes, link } from "../dom.js";
import { hosts, processes, unanswered, uptimeSeconds, command, states, keepingFocus } from "./snapshot.js";
import { processActions, startForm } from "./actions.js";

/** Rows drawn at first (unless the URL says rows=N), and added by "Show more". */
export const pageRows = 100;
const collator = new Intl.Collator(undefined, { numeric: true });

const columns = [
  { key: "host_name", label: "Host", value: p => p.host_name },
  { key: "name", label: "Name", value: p => p.name || "" },
  { key: "pid", label: "PID", value: p => p.pid },
  { key: "state", label: "State", value: p => p.state },
  { key: "restarts", label: "Restarts", value: p => p.restarts ?? 0 },
  { key: "uptime", label: "Uptime", value: p => uptimeSeconds(p) ?? -1 },
  { key: "cpu", label: "CPU %", value: p => p.cpu_percent ?? -1 },
  { key: "rss", label: "RSS", value: p => p.rss_bytes ?? -1 },
  { key: "command", label: "Command", value: p => command(p) },
];

export class ProcessesView {
  title = "Processes";

  constructor(main, query, app) {
    this.app = app;
    this.filter = {
      host: query.get("host") || "",
      state: query.get("state") || "",
      q: query.get("q") || "",
      sort: columns.some(c => c.key === query.get("sort")) ? query.get("sort") : "host_name",
      dir: query.get("dir") === "desc" ? "desc" : "asc",
      rows: Number.parseInt(query.get("rows"), 10) > 0 ? Number.parseInt(query.get("rows"), 10) : pageRows,
    };
    this.hostSelect = el("select", { id: "filter-host", onchange: e => this.set({ host: e.target.value }) });
    this.startSlot = el("div");
    this.notes = el("p", { class: "note", role: "status" });
    this.head = el("tr");
    this.body = el("tbody");
    this.count = el("p", { class: "count", "aria-live": "polite" });
    this.more = el("div", { class: "more" });
    main.append(
      el("h2", {}, "Processes"),
      this.startSlot,
      el("div", { class: "filters", role: "search" },
        el("div", { class: "field" }, el("label", { for: "filter-host" }, "Host"), this.hostSelect),
        el("div", { class: "field" }, el("label", { for: "filter-state" }, "State"),
          el("select", { id: "filter-state", onchange: e => this.set({ state: e.target.value }) },
            el("option", { value: "" }, "any"),
            states.map(s => el("option", { value: s, selected: s === this.filter.state }, s)))),
        el("div", { class: "field" }, el("label", { for: "filter-text" }, "Text"),
          el("input", { id: "filter-text", type: "search", value: this.filter.q, placeholder: "name, command, pid",
            oninput: e => this.set({ q: e.target.value }) }))),
      this.count,
      this.notes,
      el("div", { class: "scroll" }, el("table", { class: "processes" },
        el("caption", { class: "visually-hidden" }, "Processes of every host; column buttons sort"),
        el("thead", {}, this.head), this.body)),
      this.more);
    this.renderHead();
  }

  /** A new filter, sort or number of rows, kept in the URL; a new filter or sort starts again at one page of rows. */
  set(change, firstPage = true) {
    Object.assign(this.filter, firstPage ? { rows: pageRows } : {}, change);
    const query = { view: "processes" };
    for (const [key, value] of Object.entries(this.filter)) if (value && !(key === "rows" && value === pageRows)) query[key] = value;
    this.app.navigate(query, true);
    this.renderHead();
    if (this.snapshot) this.renderRows();
  }

  renderHead() {
    replace(this.head, columns.map(c => {
      const sorted = this.filter.sort === c.key;
      return el("th", { scope: "col", "aria-sort": sorted ? (this.filter.dir === "asc" ? "ascending" : "descending") : "none" },
        el("button", { type: "button", class: "sort", "data-key": `sort:${c.key}`,
          onclick: () => this.set({ sort: c.key, dir: sorted && this.filter.dir === "asc" ? "desc" : "asc" }) },
          c.label, sorted ? (this.filter.dir === "asc" ? " ▲" : " ▼") : ""));
    }), this.app.isAdmin() ? el("th", { scope: "col" }, "Actions") : null);
  }

  update(snapshot) {
    this.snapshot = snapshot;
    const names = hosts(snapshot).map(h => h.host_name);
    const chosen = this.filter.host;
    keepingFocus(this.hostSelect.parentElement, () => replace(this.hostSelect, el("option", { value: "" }, "all"),
      names.map(h => el("option", { value: h, selected: h === chosen }, h))));
    if (this.app.isAdmin() && !this.startSlot.firstChild)
      this.startSlot.append(startForm(this.app, hosts(snapshot).filter(h => h.status === "up").map(h => h.host_name)));
    const missing = unanswered(snapshot);
    this.notes.textContent = missing.length ? `Not listed: ${missing.map(h => `${h.host_name} (${h.error_message})`).join(", ")}.` : "";
    this.renderRows();
  }

  renderRows() {
    const { host, state, q, sort, dir } = this.filter;
    const text = q.toLowerCase();
    const column = columns.find(c => c.key === sort);
    const shown = processes(this.snapshot)
      .filter(p => (!host || p.host_name === host) && (!state || p.state === state))
      .filter(p => !text || `${p.name || ""} ${command(p)} ${p.pid} ${p.host_name}`.toLowerCase().includes(text))
      .sort((a, b) => {
        const [x, y] = [column.value(a), column.value(b)];
        const order = typeof x === "number" && typeof y === "number" ? x - y : collator.compare(String(x), String(y));
        return dir === "asc" ? order : -order;
      });
    const drawn = shown.slice(0, this.filter.rows);
    const counted = `${shown.length} ${shown.length === 1 ? "process" : "processes"}`;
    this.count.textContent = drawn.length < shown.length ? `${counted}, the first ${drawn.length} shown` : counted;
    keepingFocus(this.more, () => replace(this.more, drawn.length === shown.length ? null : el("button", { type: "button", "data-key": "more",
      onclick: () => this.set({ rows: this.filter.rows + pageRows }, false) }, `Show ${Math.min(pageRows, shown.length - drawn.length)} more`)));
    keepingFocus(this.body, () => replace(this.body, drawn.map(p => el("tr", { "data-pid": p.pid, "data-host": p.host_name },
      el("td", {}, p.host_name),
      el("td", { class: "name" }, link({ view: "process", host: p.host_name, pid: p.pid }, p.name || `pid ${p.pid}`)),
      el("td", {}, p.pid),
      el("td", {}, el("span", { class: `badge state-${p.state}` }, p.state)),
      el("td", {}, p.restarts ?? 0),
      el("td", {}, formatDuration(uptimeSeconds(p))),
      el("td", {}, formatPercent(p.cpu_percent)),
      el("td", {}, formatBytes(p.rss_bytes)),
      commandCell(command(p)),
      this.app.isAdmin() ? el("td", {}, processActions(this.app, p)) : null))));
  }
}

/** The command, whole in its title: a phone-width table cuts it to one line. */
function commandCell(text) {
  return el("td", { class: "command", title: text }, text);
}
