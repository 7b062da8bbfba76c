// GET /api/v1/overview?since=MS&idleSince=YYYY-MM-DD — the web UI's first page (issue 13 §2,
// core/console/overview.ts OverviewView): the fleet's state, USB not enforced and why, the
// sync backlog, policy versions, alerts nobody has taken up, events per hour and type (the
// page adds the hours into the viewer's days), and the most idle-unlocked minutes.
//
// `since` is the viewer's midnight OVERVIEW_DAYS days back (default: that many days before
// now), at most MAX_WINDOW_DAYS back; `idleSince` the viewer's date a week back (default: 7
// days before now, UTC). Answers are kept CACHE_MS per process and query: a room of staff
// with the page open costs one set of queries, and nothing is stale by more than that.
import type { FastifyInstance } from 'fastify';
import {
  HOUR_MS,
  IDLE_TOP,
  isIdleDate,
  OVERVIEW_DAYS,
  type OverviewView,
} from '../../../core/console/overview.js';
import { requireStaff } from '../../auth/staff.js';
import type { Group } from '../../store/types.js';
import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';
import { queryInt, S } from '../schemas.js';
import { agentView } from '../views.js';

const DAY_MS = 86_400_000;
export const MAX_WINDOW_DAYS = 93;
export const CACHE_MS = 15_000;

async function build(deps: Deps, since: number, idleSince: string): Promise<OverviewView> {
  const { store } = deps;
  const now = deps.now();
  const [rows, groups, policies, newAlerts, counts, idleTop] = await Promise.all([
    store.listAgents(),
    store.listGroups(),
    store.policyVersions(),
    store.newAlertsBySeverity(),
    store.eventCounts({ sinceHour: Math.floor(since / HOUR_MS) }),
    // Events from a day before the first date: agents' dates are their own zones'.
    store.idleTop({
      sinceTs: Date.parse(`${idleSince}T00:00:00Z`) - DAY_MS,
      sinceDate: idleSince,
      limit: IDLE_TOP,
    }),
  ]);
  const byName = new Map<string, Group>(groups.map((g) => [g.name, g]));
  const agents = { online: 0, silent: 0, never: 0, revoked: 0 };
  const reasons = new Map<string | null, number>();
  const backlog = { events: 0, agents: 0 };
  for (const a of rows) {
    const v = agentView(a, byName.get(a.group), now, deps.syncIntervalMs, deps.lastSeen.peek(a.id));
    agents[v.state]++;
    if (v.state === 'revoked') continue;
    if (v.usbEnforcing === false) reasons.set(v.usbReason, (reasons.get(v.usbReason) ?? 0) + 1);
    if (v.eventsWaiting !== null && v.eventsWaiting > 0) {
      backlog.events += v.eventsWaiting;
      backlog.agents++;
    }
  }
  return {
    at: now,
    agents,
    notEnforcing: [...reasons]
      .map(([reason, n]) => ({ reason, agents: n }))
      .sort((a, b) => b.agents - a.agents),
    backlog,
    policies,
    newAlerts,
    since,
    counts,
    idleSince,
    idleTop,
  };
}

export function overviewRoutes(app: FastifyInstance, deps: Deps): void {
  const cache = new Map<string, { at: number; view: Promise<OverviewView> }>();
  app.get<{ Querystring: { since?: string; idleSince?: string } }>(
    '/api/v1/overview',
    {
      schema: S.query({ since: S.qint, idleSince: S.text(10) }),
      preValidation: requireStaff(deps, 'any'),
    },
    async (req) => {
      const now = deps.now();
      const since =
        queryInt('since', req.query.since, now - MAX_WINDOW_DAYS * DAY_MS, now) ??
        now - OVERVIEW_DAYS * DAY_MS;
      const idleSince =
        req.query.idleSince ?? new Date(now - 6 * DAY_MS).toISOString().slice(0, 10);
      if (!isIdleDate(idleSince) || Number.isNaN(Date.parse(`${idleSince}T00:00:00Z`)))
        throw new ApiError('CONSOLE_BAD_REQUEST', { detail: 'querystring/idleSince' });
      const key = `${Math.floor(since / HOUR_MS)} ${idleSince}`;
      for (const [k, c] of cache) if (now - c.at > CACHE_MS) cache.delete(k);
      let hit = cache.get(key);
      if (!hit) {
        hit = { at: now, view: build(deps, since, idleSince) };
        cache.set(key, hit);
        // A failed build is not kept: the next request tries again.
        hit.view.catch(() => cache.delete(key));
      }
      return hit.view;
    },
  );
}
