// The screen watermark (issue 14, DESIGN.md "Watermark"): the policy's text filled in for this
// person and machine, and which overlay windows must open, move or close so that exactly one
// covers each display. Pure; overlay.ts does what the plan says with Electron.

export interface WatermarkPolicy {
  enabled: boolean;
  text: string;
  opacity: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DisplayLike {
  id: number;
  bounds: Rect;
}

export interface WatermarkFill {
  user: string;
  host: string;
  /** ms since the epoch. */
  now: number;
  /** IANA zone; default the machine's. */
  timeZone?: string;
}

const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const clean = (s: string) => s.replace(CONTROL, '').slice(0, 128);

/** The policy's template with {user} {host} {date} {time} filled (the schema allows no other). */
export function watermarkText(template: string, f: WatermarkFill): string {
  const parts = (opts: Intl.DateTimeFormatOptions) =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', { ...opts, timeZone: f.timeZone, hourCycle: 'h23' })
        .formatToParts(f.now)
        .map((p) => [p.type, p.value]),
    );
  const d = parts({ year: 'numeric', month: '2-digit', day: '2-digit' });
  const t = parts({ hour: '2-digit', minute: '2-digit' });
  const values: Record<string, string> = {
    user: clean(f.user),
    host: clean(f.host),
    date: `${d.year}-${d.month}-${d.day}`,
    time: `${t.hour}:${t.minute}`,
  };
  return template.replace(/\{(user|host|date|time)\}/g, (_, k: string) => values[k] ?? '');
}

export interface OverlayPlan {
  open: DisplayLike[];
  move: DisplayLike[];
  close: number[];
}

const same = (a: Rect, b: Rect) =>
  a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

/**
 * From the overlays open now (display id → bounds) and the displays there are, what to change:
 * one overlay per display while the watermark is on, none when it is off or absent.
 */
export function planOverlays(
  open: ReadonlyMap<number, Rect>,
  displays: readonly DisplayLike[],
  policy: WatermarkPolicy | null | undefined,
): OverlayPlan {
  const wanted = policy?.enabled ? displays : [];
  const ids = new Set(wanted.map((d) => d.id));
  const plan: OverlayPlan = { open: [], move: [], close: [] };
  for (const d of wanted) {
    const now = open.get(d.id);
    if (!now) plan.open.push(d);
    else if (!same(now, d.bounds)) plan.move.push(d);
  }
  for (const id of open.keys()) if (!ids.has(id)) plan.close.push(id);
  return plan;
}
