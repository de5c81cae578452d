// Reading the fleet snapshot of GET /ui/stream: {"fleet":GET /hosts,"processes":cluster-wide list_processes}.

export const finalStates = new Set(["exited", "failed", "timed_out", "stopped", "lost"]);
export const states = ["running", "backing_off", "scheduled", "stopping", "exited", "failed", "timed_out", "stopped", "lost"];

export function hosts(snapshot) {
  return (snapshot?.fleet?.hosts || []).slice().sort((a, b) => a.host_name.localeCompare(b.host_name));
}

/** Every process of every host that answered, each with its host_name. */
export function processes(snapshot) {
  const all = [];
  for (const host of snapshot?.processes?.list_processes?.hosts || [])
    for (const process of host.processes || []) all.push({ ...process, host_name: host.host_name });
  return all;
}

/** Hosts whose list_processes failed, with the reason (e.g. host unreachable). */
export function unanswered(snapshot) {
  return (snapshot?.processes?.list_processes?.hosts || []).filter(h => h.error_message);
}

export function uptimeSeconds(process) {
  if (!process.started_at || finalStates.has(process.state) || process.state !== "running" && process.state !== "stopping") return null;
  return (Date.now() - new Date(process.started_at).getTime()) / 1000;
}

/** The command line as a shell reads it back: a word with spaces or quotes is quoted, so where an argument ends shows. */
export function command(process) {
  return [process.path, ...(process.args || [])].map(shellWord).join(" ");
}

function shellWord(word) {
  return word !== "" && /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** Re-renders a container while keeping the keyboard focus on the control with the same data-key. */
export function keepingFocus(container, render) {
  const key = document.activeElement?.dataset?.key;
  const inside = key !== undefined && container.contains(document.activeElement);
  render();
  if (inside) container.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}
