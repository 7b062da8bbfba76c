// The confidentiality pledge (保密承诺, DESIGN.md "Pledge"): a person is asked again when the
// SHA-256 of the pledge text differs from the one they last acknowledged. The hash covers both
// languages (RFC 8785 canonical JSON of the policy's `pledge` object), so changing either text
// asks everyone again, and a new policy version with the same text does not.
import { createHash } from 'node:crypto';
import { jcs } from '../events/jcs.js';

export interface PledgeText {
  'zh-CN': string;
  en: string;
}

export function pledgeSha256(p: PledgeText): string {
  return createHash('sha256')
    .update(jcs({ en: p.en, 'zh-CN': p['zh-CN'] }))
    .digest('hex');
}
