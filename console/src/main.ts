import { createAgentsView } from './agents-view.js';
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
  const agents = createAgentsView(api);
  const route = (): void => {
    const agentMatch = /^#\/agents(?:\/(.+))?$/.exec(location.hash);
    showView(agentMatch ? 'agents' : 'threads');
    if (agentMatch) {
      agents.show(agentMatch[1] ? decodeURIComponent(agentMatch[1]) : null);
      return;
    }
    // "Approvals & threads" brings the operator back to the thread they had open.
    byTestId('nav-threads').setAttribute('href', location.hash || '#/');
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

/** Shows one of the two views (the other keeps polling, so coming back is instant). */
function showView(name: 'threads' | 'agents'): void {
  byTestId('threads-layout').hidden = name !== 'threads';
  byTestId('agents-layout').hidden = name !== 'agents';
  for (const link of document.querySelectorAll<HTMLElement>('nav.views a'))
    link.classList.toggle('active', link.dataset.view === name);
}

boot();
