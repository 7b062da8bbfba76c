// Why the agent refuses to record a pledge acknowledgement (the tray's pledge window, `baomi
// pledge --accept`): raised over agent.sock, shown by the CLI and the tray, so the text is here.
import type { Catalog, CodeCatalog } from '../i18n/types.js';

export const PLEDGE_CODES = [
  /** The policy in force asks no pledge (none to acknowledge). */
  'PLEDGE_NONE',
  /** The pledge changed after the person read it: what they confirmed is not what is in force. */
  'PLEDGE_CHANGED',
  /** Asked on admin.sock while nobody is known to be at the console: whose pledge is it? */
  'PLEDGE_NO_SEAT_USER',
] as const;
export type PledgeCode = (typeof PLEDGE_CODES)[number];

export const pledgeMessages = {
  en: {
    PLEDGE_NONE: 'The policy in force asks no confidentiality pledge: there is nothing to confirm.',
    PLEDGE_CHANGED:
      'The confidentiality pledge changed after you read it (policy version {{version}}). Read it again, then confirm.',
    PLEDGE_NO_SEAT_USER:
      'Nobody is known to be logged in at this computer, so the confirmation would be nobody’s. Confirm from your own session (agent.sock), not as root.',
  },
  'zh-CN': {
    PLEDGE_NONE: '当前策略没有要求保密承诺，无需确认。',
    PLEDGE_CHANGED: '您阅读后保密承诺已更改（策略版本 {{version}}）。请重新阅读后再确认。',
    PLEDGE_NO_SEAT_USER:
      '本机当前没有已知的登录用户，因此该确认无法归属于任何人。请在本人的会话中（通过 agent.sock）确认，而不是以 root 身份。',
  },
} satisfies Catalog & CodeCatalog<PledgeCode>;
