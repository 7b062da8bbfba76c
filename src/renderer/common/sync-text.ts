// Where this computer's events go, in one sentence (the viewer's health panel and the status
// window): no console, sent and when, never accepted yet, or failing and why. Pure.
import type { Translate } from '../../core/i18n/translate.js';
import type { StatusResult } from '../../core/protocol/messages.js';
import { count, when } from './format.js';

export function syncText(t: Translate, s: StatusResult): string {
  const sync = s.sync;
  if (!sync?.console) return t('sync.none');
  const waiting = count(sync.eventsWaiting ?? s.events.unsynced);
  if (sync.lastError && (!sync.lastSuccess || sync.lastError.at > sync.lastSuccess))
    return t('sync.failing', {
      console: sync.console,
      reason: t(sync.lastError.code, sync.lastError.params),
      waiting,
    });
  if (!sync.lastSuccess) return t('sync.never', { console: sync.console, waiting });
  return t('sync.ok', { console: sync.console, at: when(sync.lastSuccess), waiting });
}
