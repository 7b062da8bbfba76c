// Policies (issue 13 §7): which policy versions the agents report running, the policies
// uploaded for groups, departments and personnel classes, and (admin) the upload of a signed
// policy. The signature is checked in the browser against the fleet's public key before the
// send button is offered (policy-check.ts); the console then parses the policy and refuses
// what every agent would refuse, naming the line. Rolling back is uploading the older text
// with a higher version: said on the page.
import { useEffect, useState } from 'preact/hooks';
import type { PolicyView } from '../../../core/console/api.js';
import { api } from '../api.js';
import { when } from '../format.js';
import { type Key, t } from '../i18n.js';
import { checkSignature, type SigCheck, sha256Hex, toBase64 } from '../policy-check.js';

interface Running {
  name: string | null;
  version: number | null;
  agents: number;
}

const KEY_STORE = 'baomi.policyKey';

async function readFile(input: HTMLInputElement): Promise<Uint8Array | null> {
  const f = input.files?.[0];
  return f ? new Uint8Array(await f.arrayBuffer()) : null;
}

function Upload(props: { onDone: () => void; onError: (e: unknown) => void }) {
  const [kind, setKind] = useState<PolicyView['target']['kind']>('group');
  const [value, setValue] = useState('');
  const [policy, setPolicy] = useState<Uint8Array | null>(null);
  const [sig, setSig] = useState('');
  const [keyPem, setKeyPem] = useState(localStorage.getItem(KEY_STORE) ?? '');
  const [check, setCheck] = useState<SigCheck | null>(null);
  const [digest, setDigest] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<PolicyView | null>(null);

  useEffect(() => {
    setCheck(null);
    if (!policy || !sig || !keyPem) return;
    let live = true;
    void checkSignature(policy, sig, keyPem).then((c) => live && setCheck(c));
    void sha256Hex(policy).then((d) => live && setDigest(d));
    return () => {
      live = false;
    };
  }, [policy, sig, keyPem]);

  async function send(e: Event) {
    e.preventDefault();
    if (!policy || !check?.ok) return;
    setBusy(true);
    try {
      const row = await api<PolicyView>('POST', '/api/v1/policies', {
        target: { kind, value: value.trim() },
        policy: toBase64(policy),
        signature: sig.trim(),
      });
      localStorage.setItem(KEY_STORE, keyPem);
      setSent(row);
      props.onError(null);
      props.onDone();
    } catch (err) {
      props.onError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="upload" onSubmit={send} aria-labelledby="upload-h">
      <h2 id="upload-h">{t('policies.upload')}</h2>
      <p class="muted">{t('policies.rollback')}</p>
      <label>
        <span>{t('policies.targetKind')}</span>
        <select
          name="kind"
          value={kind}
          onChange={(e) => setKind((e.target as HTMLSelectElement).value as typeof kind)}
        >
          {(['group', 'department', 'class'] as const).map((k) => (
            <option key={k} value={k}>
              {t(`policies.kind.${k}` as Key)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('policies.targetValue')}</span>
        <input
          name="target"
          required
          maxLength={100}
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        <span>{t('policies.file')}</span>
        <input
          name="policy"
          type="file"
          accept=".yaml,.yml"
          onChange={async (e) => setPolicy(await readFile(e.target as HTMLInputElement))}
        />
      </label>
      <label>
        <span>{t('policies.sig')}</span>
        <input
          name="signature"
          type="file"
          accept=".sig"
          onChange={async (e) => {
            const b = await readFile(e.target as HTMLInputElement);
            setSig(b ? new TextDecoder().decode(b) : '');
          }}
        />
      </label>
      <label>
        <span>{t('policies.key')}</span>
        <textarea
          name="public-key"
          rows={4}
          value={keyPem}
          placeholder="-----BEGIN PUBLIC KEY-----"
          onInput={(e) => setKeyPem((e.target as HTMLTextAreaElement).value)}
        />
      </label>
      {check && (
        <p role="status" class={check.ok ? 'ok' : 'error'} data-testid="policy-check">
          {check.ok
            ? t('policies.sigGood', { key: check.keyFingerprint, sha256: digest })
            : t(`policies.sigBad.${check.why}` as Key)}
        </p>
      )}
      <button type="submit" disabled={busy || !check?.ok || !value.trim()}>
        {t('policies.send')}
      </button>
      {sent && (
        <p role="status" class="notice" data-testid="policy-sent">
          {t('policies.sent', {
            name: sent.name,
            version: sent.version,
            target: `${t(`policies.kind.${sent.target.kind}` as Key)} ${sent.target.value}`,
          })}
        </p>
      )}
    </form>
  );
}

export function PoliciesPage(props: { onError: (e: unknown) => void; isAdmin: boolean }) {
  const [rows, setRows] = useState<PolicyView[] | null>(null);
  const [running, setRunning] = useState<Running[]>([]);

  const load = async () => {
    try {
      const [p, v] = await Promise.all([
        api<{ policies: PolicyView[] }>('GET', '/api/v1/policies'),
        api<{ versions: Running[] }>('GET', '/api/v1/policies/versions'),
      ]);
      setRows(p.policies);
      setRunning(v.versions);
    } catch (e) {
      props.onError(e);
    }
  };
  useEffect(() => void load(), []);

  if (!rows) return <p>{t('common.loading')}</p>;
  return (
    <section aria-labelledby="policies-h">
      <h1 id="policies-h">{t('policies.title')}</h1>
      <h2>{t('policies.running')}</h2>
      <table class="grid" data-testid="policies-running">
        <thead>
          <tr>
            <th scope="col">{t('policies.col.name')}</th>
            <th scope="col">{t('policies.col.version')}</th>
            <th scope="col">{t('policies.col.agents')}</th>
          </tr>
        </thead>
        <tbody>
          {running.map((r) => (
            <tr key={`${r.name}:${r.version}`}>
              <td>{r.name ?? t('policies.none')}</td>
              <td>{r.version ?? '—'}</td>
              <td>{r.agents}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.isAdmin && <Upload onDone={load} onError={props.onError} />}
      <h2>{t('policies.uploaded')}</h2>
      <table class="grid" data-testid="policies-table">
        <thead>
          <tr>
            <th scope="col">{t('policies.col.target')}</th>
            <th scope="col">{t('policies.col.name')}</th>
            <th scope="col">{t('policies.col.version')}</th>
            <th scope="col">{t('policies.col.sha256')}</th>
            <th scope="col">{t('policies.col.by')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.id}>
              <td>
                {t(`policies.kind.${p.target.kind}` as Key)} {p.target.value}
              </td>
              <td>{p.name}</td>
              <td>{p.version}</td>
              <td>
                <code title={p.sha256}>{p.sha256.slice(0, 16)}</code>
              </td>
              <td>
                {p.uploadedBy}, {when(p.uploadedAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p>{t('common.none')}</p>}
    </section>
  );
}
