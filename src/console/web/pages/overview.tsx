// Overview (issue 13 §2): the first page staff see. The fleet's state, agents not enforcing
// USB and why, the sync backlog, policy versions in force, alerts nobody has taken up, events
// per day by type and blocked USB plugs per day (the viewer's days: src/ui/days.ts), and the
// users with the most idle, unlocked minutes this week. One request (GET /api/v1/overview),
// again every minute while the page is open.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { OVERVIEW_DAYS, type OverviewView } from '../../../core/console/overview.js';
import { SEVERITIES } from '../../../core/events/types.js';
import { DayBars } from '../../../ui/day-bars.js';
import { type DayTable, family, lastDays, perDay } from '../../../ui/days.js';
import { api } from '../api.js';
import { count, when } from '../format.js';
import { type Key, t } from '../i18n.js';

const REFRESH_MS = 60_000;
/** Series in the per-type chart; the smaller families are added up as "other". */
const MAX_SERIES = 8;
const OTHER = '\u0000other';

/** Events per day by type family, the smallest families beyond MAX_SERIES as one. */
function byFamily(v: OverviewView, now: number): DayTable {
  const days = lastDays(now, OVERVIEW_DAYS);
  const all = perDay(v.counts, days, family);
  if (all.series.length <= MAX_SERIES) return all;
  const keep = new Set(all.series.slice(0, MAX_SERIES - 1));
  return perDay(v.counts, days, (type) => (keep.has(family(type)) ? family(type) : OTHER));
}

const seriesName = (s: string) => (s === OTHER ? t('overview.other') : `${s}.*`);

/** The numbers a chart shows, a column per day, for keyboards, screen readers and copying. */
function DayNumbers(props: { table: DayTable; id: string; label: string }) {
  const { days, series, cells, totals } = props.table;
  const rows = series.length > 1 ? series : [];
  return (
    // Focusable, so a keyboard can scroll a table wider than the screen.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolled region must take the focus (WCAG 2.1.1)
    <section class="scroll" tabIndex={0} aria-label={props.label}>
      <table class="grid numbers" data-testid={props.id}>
        <thead>
          <tr>
            <th scope="col">{t('overview.col.day')}</th>
            {days.map((d) => (
              <th scope="col" key={d.key}>
                <abbr title={d.key}>{d.key.slice(5)}</abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s}>
              <th scope="row">{seriesName(s)}</th>
              {days.map((d, i) => (
                <td key={d.key}>{count(cells.get(s)?.[i] ?? 0)}</td>
              ))}
            </tr>
          ))}
          <tr class="total">
            <th scope="row">{t('overview.col.total')}</th>
            {days.map((d, i) => (
              <td key={d.key}>{count(totals[i] ?? 0)}</td>
            ))}
          </tr>
        </tbody>
      </table>
    </section>
  );
}

function Fleet(props: { v: OverviewView }) {
  const states = ['online', 'silent', 'never', 'revoked'] as const;
  return (
    <section class="tile" aria-labelledby="ov-agents">
      <h2 id="ov-agents">{t('overview.agents')}</h2>
      <dl class="counts" data-testid="overview-agents">
        {states.map((s) => (
          <div key={s}>
            <dt>
              <span class={`state state-${s}`}>{t(`agents.state.${s}` as Key)}</span>
            </dt>
            <dd data-state={s}>
              <a href="#/agents">{count(props.v.agents[s])}</a>
            </dd>
          </div>
        ))}
      </dl>
      <h2>{t('overview.backlog')}</h2>
      <p data-testid="overview-backlog">
        {props.v.backlog.agents
          ? t('overview.backlog.some', {
              events: count(props.v.backlog.events),
              agents: count(props.v.backlog.agents),
            })
          : t('overview.backlog.none')}
      </p>
    </section>
  );
}

/** A tile of (label, count) rows, or a sentence when there are none. */
function Counted(props: {
  id: string;
  title: string;
  head: [string, string];
  none: string;
  rows: { key: string; label: ComponentChildren; n: number }[];
  children?: ComponentChildren;
}) {
  return (
    <section class="tile" aria-labelledby={`${props.id}-h`}>
      <h2 id={`${props.id}-h`}>{props.title}</h2>
      {props.rows.length === 0 ? (
        <p>{props.none}</p>
      ) : (
        <table class="grid" data-testid={props.id}>
          <thead>
            <tr>
              <th scope="col">{props.head[0]}</th>
              <th scope="col">{props.head[1]}</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr key={r.key}>
                <td>{r.label}</td>
                <td>{count(r.n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.children}
    </section>
  );
}

const Usb = (props: { v: OverviewView }) => (
  <Counted
    id="overview-usb"
    title={t('overview.usb')}
    head={[t('overview.usb.reason'), t('overview.col.agents')]}
    none={t('overview.usb.none')}
    rows={props.v.notEnforcing.map((r) => ({
      key: r.reason ?? '',
      label: r.reason ?? t('overview.usb.noReason'),
      n: r.agents,
    }))}
  />
);

function Policies(props: { v: OverviewView }) {
  return (
    <section class="tile" aria-labelledby="ov-policies">
      <h2 id="ov-policies">{t('overview.policies')}</h2>
      <table class="grid" data-testid="overview-policies">
        <thead>
          <tr>
            <th scope="col">{t('overview.policies.name')}</th>
            <th scope="col">{t('overview.policies.version')}</th>
            <th scope="col">{t('overview.col.agents')}</th>
          </tr>
        </thead>
        <tbody>
          {props.v.policies.map((p) => (
            <tr key={`${p.name ?? ''}\u0000${p.version ?? ''}`}>
              <td>{p.name ?? t('overview.policies.none')}</td>
              <td>{p.version ?? '—'}</td>
              <td>{count(p.agents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function NewAlerts(props: { v: OverviewView }) {
  const order = (s: string) => -(SEVERITIES as readonly string[]).indexOf(s);
  const rows = [...props.v.newAlerts].sort((a, b) => order(a.severity) - order(b.severity));
  return (
    <Counted
      id="overview-alerts"
      title={t('overview.alerts')}
      head={[t('overview.col.severity'), t('overview.col.count')]}
      none={t('overview.alerts.none')}
      rows={rows.map((r) => ({
        key: r.severity,
        label: <span class={`sev sev-${r.severity}`}>{r.severity}</span>,
        n: r.n,
      }))}
    >
      <p>
        <a href="#/alerts">{t('overview.alerts.open')}</a>
      </p>
    </Counted>
  );
}

const Idle = (props: { v: OverviewView }) => (
  <Counted
    id="overview-idle"
    title={t('overview.idle', { since: props.v.idleSince })}
    head={[t('overview.col.user'), t('overview.col.minutes')]}
    none={t('overview.idle.none')}
    rows={props.v.idleTop.map((r) => ({ key: r.user, label: r.user, n: Math.round(r.minutes) }))}
  />
);

export function OverviewPage(props: { onError: (e: unknown) => void }) {
  const [view, setView] = useState<{ v: OverviewView; now: number } | null>(null);

  function load() {
    const now = Date.now();
    const days = lastDays(now, OVERVIEW_DAYS);
    const week = lastDays(now, 7)[0]!;
    const q = new URLSearchParams({ since: String(days[0]!.start), idleSince: week.key });
    api<OverviewView>('GET', `/api/v1/overview?${q}`).then(
      (v) => setView({ v, now }),
      props.onError,
    );
  }
  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  if (!view) return <p>{t('common.loading')}</p>;
  const { v, now } = view;
  const types = byFamily(v, now);
  const blocked = perDay(v.counts, lastDays(now, OVERVIEW_DAYS), (type) =>
    type === 'usb.blocked' ? type : null,
  );
  const range = { from: types.days[0]!.key, to: types.days.at(-1)!.key };
  return (
    <section aria-labelledby="overview-h" class="overview">
      <h1 id="overview-h">{t('overview.title')}</h1>
      <p class="sub">
        {t('overview.at', { at: when(v.at) })}{' '}
        <button type="button" onClick={load}>
          {t('overview.refresh')}
        </button>
      </p>
      <div class="tiles">
        <Fleet v={v} />
        <NewAlerts v={v} />
        <Usb v={v} />
        <Policies v={v} />
      </div>
      <section aria-labelledby="ov-events">
        <h2 id="ov-events">{t('overview.events')}</h2>
        <DayBars
          table={types}
          label={t('overview.events.chart', range)}
          name={seriesName}
          format={count}
        />
        <DayNumbers table={types} id="overview-events" label={t('overview.events')} />
      </section>
      <div class="tiles">
        <section class="tile wide" aria-labelledby="ov-blocked">
          <h2 id="ov-blocked">{t('overview.blocked')}</h2>
          <DayBars
            table={blocked}
            label={t('overview.blocked.chart', range)}
            name={() => 'usb.blocked'}
            format={count}
          />
          <DayNumbers table={blocked} id="overview-blocked" label={t('overview.blocked')} />
        </section>
        <Idle v={v} />
      </div>
    </section>
  );
}
