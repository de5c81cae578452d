// The hub's API, as the CLI uses it. Requests that change something carry X-B0-CSRF: a cross-site page cannot set it.

const csrf = { "X-B0-CSRF": "1" };

/** POST /control. Resolves to { status, body } whatever the status; rejects only when the hub is unreachable. */
export async function control(request) {
  const response = await fetch("/control", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...csrf },
    body: JSON.stringify(request),
  });
  return { status: response.status, body: await readJson(response) };
}

export async function session() {
  const response = await fetch("/ui/session");
  return { status: response.status, body: await readJson(response) };
}

export async function login(token) {
  const response = await fetch("/ui/login", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...csrf },
    body: JSON.stringify({ token }),
  });
  return { status: response.status, body: await readJson(response) };
}

export async function logout() {
  await fetch("/ui/logout", { method: "POST", headers: csrf });
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return { success: false, error_message: `HTTP ${response.status} without a JSON body` };
  }
}

/**
 * The reply of one operation in plain words: "started pid 4242 on lab-3", or "lab-3 refused: no such pid".
 * The hub's error_message is shown as it is: it already says what went wrong.
 */
export function describe(operation, hostName, reply) {
  const { status, body } = reply;
  const inner = body && body[operation];
  const where = hostName ? ` on ${hostName}` : "";
  if (!body || body.success === false || (inner && inner.success === false)) {
    const message = (inner && inner.error_message) || (body && body.error_message) || `HTTP ${status}`;
    return { ok: false, text: `${words[operation] || operation}${where} failed: ${message}` };
  }
  switch (operation) {
    case "start_process": return { ok: true, text: `Started pid ${inner.pid}${where}.` };
    case "stop_process": return { ok: true, text: `Stopped pid ${inner.pid ?? "?"}${where}.` };
    case "restart_process": return { ok: true, text: `Restarted${where}: the new pid is ${inner.pid}.` };
    case "kill_all": return { ok: true, text: `Stopped ${(inner.pids || []).length} processes${where}.` };
    default: return { ok: true, text: `${words[operation] || operation}${where}: done.` };
  }
}

const words = {
  start_process: "Start",
  stop_process: "Stop",
  restart_process: "Restart",
  kill_all: "Kill all",
  query_process_status: "Status",
  process_stats: "Statistics",
};
