import { ApiError, type Api } from './api-client.js';
import type { AdminAgentDetail, AdminAgentSummary, DefinitionIssue, InfoAgent } from './types.js';

/** One row of the Agents view: what an operator compares at a glance. */
export interface AgentRow {
  id: string;
  name: string;
  description: string;
  /** `builtin`, `yaml`, `database`; null when only `/info` could be read. */
  source: AdminAgentSummary['source'] | null;
  version: number | null;
  /** Null for the built-in agent (no LLM) and in the read-only fallback. */
  model: string | null;
  tools: number | null;
  /** Tools that wait for a person, as `name (ttl)`; `null` when unknown. */
  approvals: string[] | null;
  editable: boolean;
  extends: string | null;
  problems?: DefinitionIssue[];
}

/** The Agents view's data: from the admin API, or read-only from `/info` when refused. */
export interface AgentCatalog {
  rows: AgentRow[];
  /** The admin API answered: details, versions and editing are available. */
  admin: boolean;
  /** Why the view is read-only, for the operator. */
  note: string | null;
  info: Record<string, InfoAgent>;
}

/**
 * Reads `GET /admin/agents` and each agent's detail (model, tools and approvals live in the
 * effective definition); a 403 (tenant not in BRIDGE_ADMIN_TENANTS) or 404 (no admin API) falls
 * back to `GET /info`.
 */
export async function loadAgentCatalog(api: Api): Promise<AgentCatalog> {
  const info = await api.get<{ agents: Record<string, InfoAgent> }>('/info').then((i) => i.agents);
  let summaries: AdminAgentSummary[];
  try {
    summaries = (await api.get<{ agents: AdminAgentSummary[] }>('/admin/agents')).agents;
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 403 && error.status !== 404)) throw error;
    const note =
      error.status === 403
        ? `Read-only: the admin API refused this key (${error.describe()}); its tenant is not in BRIDGE_ADMIN_TENANTS. Showing GET /info.`
        : 'Read-only: this bridge has no agent admin API (404 on /admin/agents). Showing GET /info.';
    return { rows: Object.entries(info).map(([id, a]) => infoRow(id, a)), admin: false, note, info };
  }
  const details = await Promise.all(
    summaries.map((s) =>
      api.get<AdminAgentDetail>(`/admin/agents/${encodeURIComponent(s.id)}`).catch(() => null),
    ),
  );
  const rows = summaries.map((summary, i) => adminRow(summary, details[i] ?? null, info[summary.id]));
  return { rows, admin: true, note: null, info };
}

function adminRow(summary: AdminAgentSummary, detail: AdminAgentDetail | null, info?: InfoAgent): AgentRow {
  const effective = detail?.effective;
  const fromInfo = info ? infoRow(summary.id, info) : null;
  return {
    id: summary.id,
    name: summary.name,
    description: summary.description,
    source: summary.source,
    version: summary.version,
    model: effective?.model ?? null,
    tools: effective ? effective.tools.length : (fromInfo?.tools ?? null),
    approvals: effective
      ? effective.tools
          .filter((t) => t.approval === 'always')
          .map((t) => (t.approvalTtl ? `${t.name} (${t.approvalTtl})` : t.name))
      : (fromInfo?.approvals ?? null),
    editable: summary.editable,
    extends: summary.extends,
    ...(summary.problems ? { problems: summary.problems } : {}),
  };
}

function infoRow(id: string, agent: InfoAgent): AgentRow {
  const tools = agent.capabilities?.tools?.items;
  return {
    id,
    name: agent.name ?? id,
    description: agent.description ?? '',
    source: null,
    version: null,
    model: null,
    tools: tools ? tools.length : null,
    // /info says only whether some tool needs approval, not which.
    approvals: agent.capabilities?.humanInTheLoop?.approvals ? ['some tools'] : [],
    editable: false,
    extends: null,
  };
}
