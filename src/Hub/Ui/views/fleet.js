// Fleet: every host with its status, address, load and process counts; unreachable ones stay, greyed.
import { el, replace, formatPercent, formatTime, link } from "../dom.js";
import { hosts, processes, keepingFocus } from "./snapshot.js";

export class FleetView {
  title = "Fleet";

  constructor(main, query, app) {
    this.app = app;
    this.confirming = null; // the host whose kill all awaits confirmation
    this.body = el("tbody");
    main.append(
      el("h2", {}, "Fleet"),
      el("div", { class: "scroll" }, el("table", { class: "hosts" },
        el("caption", { class: "visually-hidden" }, "Hosts of the mesh"),
        el("thead", {}, el("tr", {}, ["Host", "Status", "Address", "CPU", "Memory", "Processes", app.isAdmin() ? "Actions" : null]
          .filter(Boolean).map(h => el("th", { scope: "col", class: h === "Address" ? "address" : null }, h)))),
        this.body)));
    replace(this.body, el("tr", {}, el("td", { colspan: 7 }, "Waiting for the hub…")));
  }

  update(snapshot) {
    this.snapshot = snapshot;
    const byHost = new Map();
    for (const p of processes(snapshot)) {
      const counts = byHost.get(p.host_name) || new Map();
      counts.set(p.state, (counts.get(p.state) || 0) + 1);
      byHost.set(p.host_name, counts);
    }
    keepingFocus(this.body, () => replace(this.body, hosts(snapshot).map(h => this.row(h, byHost.get(h.host_name)))));
  }

  row(host, counts) {
    const up = host.status === "up";
    const status = up ? "up" : `${host.status} since ${formatTime(host.since)}`;
    const countText = counts ? [...counts].map(([state, n]) => `${n} ${state}`).join(", ") : up ? "none" : "–";
    return el("tr", { class: up ? "host-up" : "host-down", "data-host": host.host_name },
      el("th", { scope: "row" }, link({ view: "processes", host: host.host_name }, host.host_name)),
      el("td", {}, el("span", { class: `badge status-${host.status}` }, status)),
      el("td", { class: "address" }, host.address),
      el("td", {}, formatPercent(host.cpu_percent)),
      el("td", {}, formatPercent(host.memory_percent)),
      el("td", {}, countText),
      this.app.isAdmin() ? el("td", {}, up ? this.killAll(host.host_name) : null) : null);
  }

  killAll(hostName) {
    const rerender = () => this.update(this.snapshot);
    if (this.confirming !== hostName)
      return el("button", { type: "button", class: "danger", "data-key": `killall:${hostName}`,
        onclick: () => { this.confirming = hostName; rerender(); this.body.querySelector(`[data-key="confirm:${CSS.escape(hostName)}"]`)?.focus(); },
      }, "Kill all…");
    return el("span", { class: "confirm", role: "group", "aria-label": `Confirm kill all on ${hostName}` },
      `Stop every process on ${hostName}? `,
      el("button", { type: "button", class: "danger", "data-key": `confirm:${hostName}`,
        onclick: async () => { this.confirming = null; rerender(); await this.app.act("kill_all", hostName, {}); } }, "Yes, stop all"),
      " ",
      el("button", { type: "button", "data-key": `cancel:${hostName}`, onclick: () => { this.confirming = null; rerender(); } }, "Cancel"));
  }
}
