// The stages of an alert (DESIGN.md early-warning process: 预报 → 调查 → 初步评估 → 处置 → 结案)
// and which change of stage staff may make. Pure, so both datastores, the memory twin and the
// route share one rule: forward to any later stage (a stage may be skipped), and back to 调查
// from any stage (re-open). Nothing else: an alert never returns to 预报, and a closed alert is
// re-opened to 调查, never straight to 处置 (the re-opening is what the audit trail must show).
export const ALERT_STAGES = ['预报', '调查', '初步评估', '处置', '结案'] as const;
export type AlertStage = (typeof ALERT_STAGES)[number];

/** English aliases of the stages (the staff CLI accepts either). */
export const ALERT_STAGE_ALIASES: Readonly<Record<string, AlertStage>> = {
  forecast: '预报',
  investigating: '调查',
  assessed: '初步评估',
  handled: '处置',
  closed: '结案',
};

/** The stage a name means (a stage itself or an English alias, any case), or null. */
export function alertStageOf(name: string): AlertStage | null {
  if ((ALERT_STAGES as readonly string[]).includes(name)) return name as AlertStage;
  return ALERT_STAGE_ALIASES[name.toLowerCase()] ?? null;
}

/** Whether staff may move an alert from `from` to `to` (a stage to itself is no change: false). */
export function alertTransitionAllowed(from: AlertStage, to: AlertStage): boolean {
  if (from === to) return false;
  if (to === '调查') return true;
  return ALERT_STAGES.indexOf(to) > ALERT_STAGES.indexOf(from);
}
