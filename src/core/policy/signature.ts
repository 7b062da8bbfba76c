// Detached Ed25519 signatures over a policy file's exact bytes (DESIGN.md "Keys"). The .sig
// file is the base64 of the 64-byte signature; whitespace around it is tolerated because
// editors add a final newline. Nothing is normalised before verifying: the bytes signed are
// the bytes applied, BOM and CRLF included.
//
// Security-critical: do not add a fallback that accepts a policy when no trusted key is
// configured, and do not verify against keys found next to the policy file.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { BaomiError } from '../errors.js';
import type { TrustedKey } from './types.js';

export type SignatureCheck =
  | { ok: true; keyName: string }
  | {
      ok: false;
      code:
        | 'POLICY_SIG_MISSING'
        | 'POLICY_SIG_MALFORMED'
        | 'POLICY_SIG_UNTRUSTED'
        | 'POLICY_SIG_NO_TRUSTED_KEYS';
      /** Trusted keys that could not be read as Ed25519 public keys (skipped). */
      badKeys: string[];
    };

const SIG_BASE64 = /^[A-Za-z0-9+/]{86}==$/;

export function generateKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Base64 signature text plus "\n", ready to write to FILE.sig. Throws POLICY_KEY_INVALID. */
export function signPolicy(bytes: Uint8Array, privateKeyPem: string): string {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw new BaomiError('POLICY_KEY_INVALID', { kind: 'private' }, 2);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new BaomiError(
      'POLICY_KEY_INVALID',
      { kind: 'private', type: String(key.asymmetricKeyType) },
      2,
    );
  }
  return `${sign(null, bytes, key).toString('base64')}\n`;
}

/** The Ed25519 public key in `pem`, or null when it is not one. */
export function readPublicKey(pem: string): KeyObject | null {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? key : null;
  } catch {
    return null;
  }
}

/** SPKI PEM of the public half of a PKCS#8 private key (for `keygen` checks and tests). */
export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem))
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

export function verifyPolicySignature(
  bytes: Uint8Array,
  sigText: string | Uint8Array | null | undefined,
  trusted: readonly TrustedKey[],
): SignatureCheck {
  const badKeys: string[] = [];
  const keys: { name: string; key: KeyObject }[] = [];
  for (const t of trusted) {
    const key = readPublicKey(t.publicKeyPem);
    if (key) keys.push({ name: t.name, key });
    else badKeys.push(t.name);
  }
  if (sigText === null || sigText === undefined)
    return { ok: false, code: 'POLICY_SIG_MISSING', badKeys };
  // Bytes are read as UTF-8, as the agent reads FILE.sig, so `policy validate` and the agent
  // judge the same file alike (a BOM is trimmed away like other whitespace).
  const raw = typeof sigText === 'string' ? sigText : new TextDecoder().decode(sigText);
  const b64 = raw.trim();
  if (b64 === '') return { ok: false, code: 'POLICY_SIG_MISSING', badKeys };
  if (!SIG_BASE64.test(b64)) return { ok: false, code: 'POLICY_SIG_MALFORMED', badKeys };
  const sig = Buffer.from(b64, 'base64');
  // Unreachable while SIG_BASE64 admits only 86 characters and "==" (always 64 bytes); kept for
  // the day the pattern is loosened, so its mutants are equivalent:
  // Stryker disable next-line all
  if (sig.length !== 64) return { ok: false, code: 'POLICY_SIG_MALFORMED', badKeys };
  if (keys.length === 0) return { ok: false, code: 'POLICY_SIG_NO_TRUSTED_KEYS', badKeys };
  for (const { name, key } of keys) {
    if (verify(null, bytes, key, sig)) return { ok: true, keyName: name };
  }
  return { ok: false, code: 'POLICY_SIG_UNTRUSTED', badKeys };
}
