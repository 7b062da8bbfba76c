// Why the agent refuses to record a pledge acknowledgement (the tray's pledge window): raised
// over the agent's sockets, shown by the tray (and the CLI), so the text is here.
import type { Catalog, CodeCatalog } from '../i18n/types.js';

export const PLEDGE_CODES = [
  /** The policy in force asks no pledge (none to acknowledge). */
  'PLEDGE_NONE',
  /** The pledge changed after the person read it: what they confirmed is not what is in force. */
  'PLEDGE_CHANGED',
  /** Not asked by the person themselves (no seat token on agent.sock, or admin.sock). */
  'PLEDGE_NO_SEAT_USER',
  /** `baomi pledge`: no agent answered on any agent.sock (params.tried). */
  'PLEDGE_NO_AGENT',
] as const;
export type PledgeCode = (typeof PLEDGE_CODES)[number];

export const pledgeMessages = {
  en: {
    PLEDGE_NONE: 'The policy in force asks no confidentiality pledge: there is nothing to confirm.',
    PLEDGE_CHANGED:
      'The confidentiality pledge changed after you read it (policy version {{version}}). Read it again, then confirm.',
    PLEDGE_NO_SEAT_USER:
      'Only the person at this computer can confirm the pledge, from their own session (the tray, over agent.sock with their seat token): not as root, not for someone else.',
    PLEDGE_NO_AGENT:
      'No Baomi agent answers on this computer, so nothing was shown or confirmed. Tried, in order: {{tried}}. Is the agent running? Or pass --socket PATH.',
  },
  'zh-CN': {
    PLEDGE_NONE: '当前策略没有要求保密承诺，无需确认。',
    PLEDGE_CHANGED: '您阅读后保密承诺已更改（策略版本 {{version}}）。请重新阅读后再确认。',
    PLEDGE_NO_SEAT_USER:
      '保密承诺只能由本机当前使用者在本人的会话中确认（通过托盘，经 agent.sock 并携带其座席令牌）：不能以 root 身份确认，也不能替他人确认。',
    PLEDGE_NO_AGENT:
      '本机没有保密代理应答，因此未显示也未确认任何内容。依次尝试了：{{tried}}。代理是否在运行？也可指定 --socket PATH。',
  },
} satisfies Catalog & CodeCatalog<PledgeCode>;
