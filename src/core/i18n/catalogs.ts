// The catalogues of everything core can say, and a translator over them: what a reader that
// imports only core (the tray, the console) needs to render events, notices and socket errors
// at the display end. Layers above add their own catalogues as `extra`.
import { alertMessages } from '../alerts/messages.js';
import { consoleMessages } from '../codes/console.js';
import { consoleStoreCatalog } from '../codes/console-store.js';
import { exceptionMessages, exceptionRequestMessages } from '../codes/exceptions.js';
import { notifyCodeMessages } from '../codes/notify.js';
import { pledgeMessages } from '../codes/pledge.js';
import { protocolMessages } from '../codes/protocol.js';
import { siemMessages } from '../codes/siem.js';
import { syncMessages } from '../codes/sync.js';
import { notifyMessages } from '../console/notify/messages.js';
import { chainMessages } from '../events/messages.js';
import { idleMessages } from '../idle/messages.js';
import { formatPolicyMessage, policyMessageKey } from '../policy/format.js';
import { policyMessages } from '../policy/messages.js';
import { protectionMessages } from '../status/messages.js';
import { usbRuleMessages } from '../usb/decided-text.js';
import { exceptionNoticeMessages } from '../usb/exception-notices.js';
import { usbMessages } from '../usb/messages.js';
import { usbReasonMessages } from '../usb/reasons.js';
import { createTranslator, type Translate } from './translate.js';
import type { Catalog, Lang } from './types.js';

export const coreCatalogs: readonly Catalog[] = [
  policyMessages,
  alertMessages,
  protocolMessages,
  chainMessages,
  usbMessages,
  usbRuleMessages,
  exceptionMessages,
  exceptionRequestMessages,
  syncMessages,
  exceptionNoticeMessages,
  idleMessages,
  consoleMessages,
  consoleStoreCatalog,
  notifyCodeMessages,
  notifyMessages,
  siemMessages,
  pledgeMessages,
  protectionMessages,
  usbReasonMessages,
];

/**
 * Policy error codes (POLICY_UNKNOWN_KEY) are keyed in the policy catalogue by their camelCase
 * name and carry a line/column; they go through the policy formatter so "where" reads the
 * same everywhere. Every other key is looked up as it is.
 */
export function createCoreTranslator(lang: Lang, extra: readonly Catalog[] = []): Translate {
  const t = createTranslator(lang, [...coreCatalogs, ...extra]);
  const policyKeys = new Set(Object.keys(policyMessages.en));
  return (key, params = {}) =>
    key.startsWith('POLICY_') && policyKeys.has(policyMessageKey(key, params as never))
      ? formatPolicyMessage(lang, key, params as never)
      : t(key, params);
}
