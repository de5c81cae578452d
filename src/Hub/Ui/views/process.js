// One process: what query_process_status and process_stats know, a CPU and RSS chart of the sampled history, and its
// live output (the hub's output-follow API) with a stdout / stderr / both switch, and its own events (by name when it
// has one, so the runs before a restart are there too).
import { el, svg, replace, formatBytes, formatPercent, formatDuration, formatTime, link } from "../dom.js";
import { processActions } from "./actions.js";
import { processes, command } from "./snapshot.js";
import { EventList } from "./events.js";

const keptLines = 2000;       // older lines leave the page: an open page does not grow
const refreshMs = 5000;

export class ProcessView {
  constructor(main, query, app) {
    this.app = app;
    this.host = query.get("host") || "";
    this.pid = Number(query.get("pid"));
    this.stream = ["stdout", "stderr", "both"].includes(query.get("stream")) ? query.get("stream") : "both";
    this.title = `pid ${this.pid} on ${this.host}`;
    this.heading = el("h2", {}, `Process ${this.pid} on ${this.host}`);
    this.actions = el("div", { class: "actions" });
    this.status = el("dl", { class: "facts" });
    this.charts = el("div", { class: "charts" });
    this.output = el("pre", { class: "output", tabindex: "0", "aria-label": "Output", "aria-live": "off" });
    this.outputNote = el("p", { class: "note", role: "status" });
    const radio = value => el("label", {}, el("input", { type: "radio", name: "stream", value, checked: value === this.stream,
      onchange: () => this.follow(value) }), ` ${value}`);
    main.append(
      el("p", {}, link({ view: "processes", host: this.host }, `← processes on ${this.host}`)),
      this.heading, this.actions,
      el("section", { "aria-labelledby": "status-h" }, el("h3", { id: "status-h" }, "Status"), this.status),
      el("section", { "aria-labelledby": "stats-h" }, el("h3", { id: "stats-h" }, "CPU and memory"), this.charts),
      el("section", { "aria-labelledby": "output-h" }, el("h3", { id: "output-h" }, "Output"),
        el("fieldset", { class: "streams" }, el("legend", {}, "Stream"), radio("both"), radio("stdout"), radio("stderr")),
        this.outputNote, this.output),
      this.eventsSection = el("section", { "aria-labelledby": "events-h" }, el("h3", { id: "events-h" }, "Events")));
    this.refresh();
    this.timer = setInterval(() => this.refresh(), refreshMs);
    this.follow(this.stream);
  }

  dispose() {
    clearInterval(this.timer);
    this.reader?.abort();
  }

  event(e) { this.events?.event(e); }

  update(snapshot) {
    const entry = processes(snapshot).find(p => p.host_name === this.host && p.pid === this.pid);
    if (entry && entry.state !== this.lastState) {
      this.lastState = entry.state;
      this.refresh();
    }
  }

  async refresh() {
    const target = { pid: this.pid };
    const [status, stats] = await Promise.all([
      this.ask("query_process_status", target),
      this.ask("process_stats", target),
    ]);
    this.showStatus(status);
    this.showStats(stats);
  }

  /** A read whose reply is drawn here, not announced on the reply line. */
  async ask(operation, body) {
    try {
      const response = await fetch("/control", { method: "POST", headers: { "Content-Type": "application/json", "X-B0-CSRF": "1" },
        body: JSON.stringify({ host_name: this.host, [operation]: body }) });
      return await response.json();
    } catch {
      return { success: false, error_message: "the hub did not answer" };
    }
  }

  showStatus(reply) {
    const body = reply?.query_process_status;
    if (!body || body.success === false) {
      replace(this.status, el("dt", {}, "Status"), el("dd", {}, `not available: ${body?.error_message || reply?.error_message || "no answer"}`));
      return;
    }
    if (body.name) this.heading.textContent = `${body.name} (pid ${body.pid}) on ${this.host}`;
    replace(this.actions, processActions(this.app, { ...body, host_name: this.host },
      pid => this.app.navigate({ view: "process", host: this.host, pid })));
    if (!this.events) {
      this.events = new EventList(this.app, body.name ? { host: this.host, name: body.name } : { host: this.host, pid: this.pid });
      this.eventsSection.append(this.events.element);
      this.events.load();
    }
    const rows = [
      ["Name", body.name || "–"], ["PID", body.pid], ["State", el("span", { class: `badge state-${body.state}` }, body.state)],
      ["Command", command(body)], ["Restarts", body.restarts ?? 0],
      ["Started", formatTime(body.started_at)], ["Running", body.running ? "yes" : "no"],
    ];
    if (body.exit_code !== undefined) rows.push(["Exit code", body.exit_code ?? "unknown"]);
    if (body.signal) rows.push(["Signal", body.signal]);
    if (body.last_exit_code !== undefined) rows.push(["Last exit code", body.last_exit_code]);
    if (body.next_restart_at) rows.push(["Next run", formatTime(body.next_restart_at)]);
    replace(this.status, rows.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  }

  showStats(reply) {
    const stats = reply?.process_stats;
    if (!stats || stats.success === false) {
      replace(this.charts, el("p", { class: "note" }, `No statistics: ${stats?.error_message || reply?.error_message || "no answer"}`));
      return;
    }
    const history = stats.history || [];
    replace(this.charts,
      el("p", {}, `CPU ${formatPercent(stats.cpu_percent)} · RSS ${formatBytes(stats.rss_bytes)} · threads ${stats.threads ?? "–"} · ` +
        `uptime ${formatDuration(stats.uptime_s)} · sampled every ${stats.stats_interval_s ?? "?"} s`),
      chart("CPU %", history.map(h => h.cpu_percent ?? 0), formatPercent),
      chart("RSS", history.map(h => h.rss_bytes ?? 0), formatBytes));
  }

  /** Follows the output of one stream, replacing the one followed before. */
  async follow(stream) {
    this.reader?.abort();
    this.stream = stream;
    const controller = new AbortController();
    this.reader = controller;
    replace(this.output);
    this.outputNote.textContent = "";
    const url = `/hosts/${encodeURIComponent(this.host)}/processes/${this.pid}/output?follow=true&tail=200&stream=${stream}`;
    try {
      const response = await fetch(url, { signal: controller.signal });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        this.outputNote.textContent = `No output: ${body.error_message || `HTTP ${response.status}`}`;
        return;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let partial = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const lines = (partial + decoder.decode(value, { stream: true })).split("\n");
        partial = lines.pop();
        this.append(lines);
      }
      if (partial) this.append([partial]);
      this.outputNote.textContent = "The output has ended.";
    } catch (error) {
      if (error.name !== "AbortError") this.outputNote.textContent = "The output stream was interrupted.";
    }
  }

  append(lines) {
    const atBottom = this.output.scrollTop + this.output.clientHeight >= this.output.scrollHeight - 4;
    for (const line of lines)
      this.output.append(el("span", { class: line.startsWith("[bluezero]") ? "line meta" : "line" }, line + "\n"));
    while (this.output.childElementCount > keptLines) this.output.firstElementChild.remove();
    if (atBottom) this.output.scrollTop = this.output.scrollHeight;
  }
}

/** A small line chart of sampled values, with its latest value in words for screen readers. */
function chart(label, values, format) {
  const width = 300, height = 80;
  const max = Math.max(...values, 1e-9);
  const points = values.map((v, i) => `${values.length < 2 ? 0 : (i / (values.length - 1)) * width},${height - (v / max) * (height - 4) - 2}`);
  const latest = values.length ? format(values[values.length - 1]) : "no samples yet";
  return el("figure", { class: "chart" },
    svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": `${label}: ${values.length} samples, latest ${latest}` },
      svg("polyline", { points: points.join(" "), fill: "none", stroke: "currentColor", "stroke-width": 2 })),
    el("figcaption", {}, `${label}: latest ${latest}, peak ${values.length ? format(max) : "–"}`));
}
