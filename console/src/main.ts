import { createApi } from './api-client.js';
import { startApprovalsPanel } from './approvals-panel.js';
import { byTestId } from './dom.js';
import { createKeyGate } from './key-gate.js';
import { startThreadsPanel } from './threads-panel.js';
import { createThreadView } from './thread-view.js';
import { startUsagePanel } from './usage-panel.js';

/** The bridge's base path: the page is served at `<base>/console`. */
const base = location.pathname.replace(/\/console\/?$/, '');

function boot(): void {
  const connection = byTestId('connection-status');
  const api = createApi(base, createKeyGate(), (ok) => {
    connection.dataset.state = ok ? 'connected' : 'unreachable';
    connection.textContent = ok ? 'connected' : 'bridge unreachable';
  });
  const threads = startThreadsPanel(api, { intervalMs: 1500 });
  const view = createThreadView(api, { onRunEvent: () => threads.now() });
  const route = (): void => {
    const match = /^#\/threads\/(.+)$/.exec(location.hash);
    const threadId = match ? decodeURIComponent(match[1]!) : null;
    threads.select(threadId);
    view.show(threadId);
  };
  startApprovalsPanel(api, {
    intervalMs: 1500,
    onResolved(threadId) {
      threads.now();
      // The operator sees the consequence of the decision: the thread continues in the view.
      if (location.hash !== `#/threads/${encodeURIComponent(threadId)}`)
        location.hash = `#/threads/${encodeURIComponent(threadId)}`;
    },
  });
  startUsagePanel(api, { intervalMs: 10_000 });
  window.addEventListener('hashchange', route);
  route();
  void api
    .get<{ version: string; agents: Record<string, { name?: string }> }>('/info')
    .then((info) => {
      byTestId('bridge-info').textContent =
        `v${info.version} · agents: ${Object.keys(info.agents).join(', ') || 'none'}`;
    })
    .catch(() => undefined);
}

boot();
