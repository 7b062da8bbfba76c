// The monitoring notice (issue 14 §3: "says plainly what this workstation records about the
// person"), from what the agent says it does now (`status`): its classified folders, USB
// control, idle reminders, the watermark, and where records go. Pure: unit-tested in Node.
import type { Translate } from '../../core/i18n/translate.js';
import type { StatusResult } from '../../core/protocol/messages.js';

export function recordedLines(t: Translate, s: StatusResult | null): string[] {
  const lines = [t('pledge.rec.files')];
  const folders = s?.watched.map((w) => `${w.path} (${w.level})`) ?? [];
  if (folders.length > 0) lines.push(t('pledge.rec.folders', { folders: folders.join(', ') }));
  lines.push(t('pledge.rec.usb'), t('pledge.rec.idle'));
  if (s?.watermark?.enabled) lines.push(t('pledge.rec.watermark'));
  lines.push(t('pledge.rec.pledge'));
  const console = s?.sync?.console;
  lines.push(console ? t('pledge.rec.console', { console }) : t('pledge.rec.local'));
  lines.push(t('pledge.rec.see'));
  return lines;
}
