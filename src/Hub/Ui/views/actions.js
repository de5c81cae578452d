// The admin's buttons: each runs one operation and the shell shows the hub's reply in plain words.
import { el } from "../dom.js";
import { finalStates } from "./snapshot.js";

/** Stop and Restart for one process; nothing for a read caller. onRestarted gets the new run's pid. */
export function processActions(app, process, onRestarted) {
  if (!app.isAdmin()) return null;
  const target = { pid: process.pid };
  const label = process.name || `pid ${process.pid}`;
  const key = `${process.host_name}/${process.pid}`;
  return el("span", { class: "actions" },
    finalStates.has(process.state) ? null : el("button", {
      type: "button", "data-key": `stop:${key}`, "aria-label": `Stop ${label} on ${process.host_name}`,
      onclick: () => app.act("stop_process", process.host_name, target),
    }, "Stop"),
    el("button", {
      type: "button", "data-key": `restart:${key}`, "aria-label": `Restart ${label} on ${process.host_name}`,
      onclick: async () => {
        const reply = await app.act("restart_process", process.host_name, target);
        const pid = reply.body?.restart_process?.pid;
        if (pid && onRestarted) onRestarted(pid);
      },
    }, "Restart"));
}

/** The start form: path, args, name, env, cwd and restart policy, on a host that is up. */
export function startForm(app, hostNames) {
  const form = el("form", { class: "start", "aria-label": "Start a process" });
  const control = (name, label, input, hint) => el("div", { class: "field" },
    el("label", { for: `start-${name}` }, label), Object.assign(input, { id: `start-${name}`, name }), hint ? el("small", {}, hint) : null);
  form.append(
    control("host", "Host", el("select", {}, hostNames.map(h => el("option", { value: h }, h)))),
    control("path", "Path", el("input", { required: true, placeholder: "/bin/sleep", autocomplete: "off" }), "absolute path of the executable"),
    control("args", "Arguments", el("textarea", { rows: 2 }), "one per line"),
    control("name", "Name", el("input", { autocomplete: "off" }), "optional, unique on the host"),
    control("env", "Environment", el("textarea", { rows: 2, placeholder: "NAME=VALUE" }), "one NAME=VALUE per line"),
    control("cwd", "Working directory", el("input", { autocomplete: "off" }), "optional, absolute"),
    control("restart", "Restart policy", el("select", {},
      ["never", "on-failure", "always"].map(p => el("option", { value: p }, p)))),
    el("button", { type: "submit" }, "Start"));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const data = new FormData(form);
    const lines = name => String(data.get(name) || "").split("\n").map(l => l.replace(/\r$/, "")).filter(l => l.length > 0);
    const body = { path: String(data.get("path")).trim() };
    const args = lines("args");
    if (args.length) body.args = args;
    const name = String(data.get("name") || "").trim();
    if (name) body.name = name;
    const env = lines("env");
    if (env.length) body.env = Object.fromEntries(env.map(l => [l.split("=")[0], l.slice(l.indexOf("=") + 1)]));
    const cwd = String(data.get("cwd") || "").trim();
    if (cwd) body.cwd = cwd;
    if (data.get("restart") !== "never") body.restart = { policy: data.get("restart") };
    await app.act("start_process", String(data.get("host")), body);
  });
  return el("details", { class: "panel" }, el("summary", {}, "Start a process"), form);
}
