// The check the policies page makes before a policy is sent out (issue 13 §7): the detached
// Ed25519 signature (the .sig file: base64 of 64 bytes, core/policy/signature.ts) verified
// over the policy file's exact bytes against the public key the person gives (the fleet's
// pinned key, SPKI PEM), with WebCrypto in the browser. The console holds no key and does
// not check it (agents do, against their own pins); this shows the person, before anything
// leaves the page, whether the agents will accept what they are about to send.

export type SigCheck =
  | { ok: true; keyFingerprint: string }
  | { ok: false; why: 'sig-malformed' | 'key-invalid' | 'mismatch' | 'no-webcrypto' };

const SIG_BASE64 = /^[A-Za-z0-9+/]{86}==$/;

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The DER inside a PEM block of `label`, or null. */
function pemBody(pem: string, label: string): Uint8Array | null {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(
    pem,
  );
  if (!m) return null;
  try {
    return fromBase64(m[1]!.replace(/\s+/g, ''));
  } catch {
    return null;
  }
}

export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  return [...d].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function checkSignature(
  policy: Uint8Array,
  sigText: string,
  publicKeyPem: string,
): Promise<SigCheck> {
  if (!globalThis.crypto?.subtle) return { ok: false, why: 'no-webcrypto' };
  const sig = sigText.trim();
  if (!SIG_BASE64.test(sig)) return { ok: false, why: 'sig-malformed' };
  const der = pemBody(publicKeyPem, 'PUBLIC KEY');
  if (!der) return { ok: false, why: 'key-invalid' };
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('spki', der as BufferSource, { name: 'Ed25519' }, false, [
      'verify',
    ]);
  } catch {
    return { ok: false, why: 'key-invalid' };
  }
  const good = await crypto.subtle.verify(
    { name: 'Ed25519' },
    key,
    fromBase64(sig) as BufferSource,
    policy as BufferSource,
  );
  if (!good) return { ok: false, why: 'mismatch' };
  return { ok: true, keyFingerprint: (await sha256Hex(der)).slice(0, 16) };
}
