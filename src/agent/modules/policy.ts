// The policy module: keeps the right policy in force (PolicyManager: file drop today, the
// console later through the same judge) and hands each one to every other module.
import { BaomiError } from '../../core/errors.js';
import { pledgeSha256 } from '../../core/policy/pledge.js';
import type { PledgeView, Request } from '../../core/protocol/messages.js';
import type { AgentModule, Asker, ModuleContext } from '../module.js';
import { PolicyManager } from '../policy/manager.js';
import { DEMO_TRUST_DIR, loadTrustedKeys } from '../policy/trust.js';

export interface PolicyModule extends AgentModule {
  readonly manager: PolicyManager | null;
}

/** The state key holding the hash of the pledge text `user` last confirmed. */
const ackKey = (user: string) => `pledge.acknowledged.${user}`;

export function policyModule(): PolicyModule {
  let manager: PolicyManager | null = null;
  let ctx: ModuleContext | null = null;

  /** The pledge in force and its hash, or null. */
  const pledgeInForce = () => {
    const p = manager?.current;
    if (!p?.policy.pledge) return null;
    const { en } = p.policy.pledge;
    return {
      'zh-CN': p.policy.pledge['zh-CN'],
      en,
      sha256: pledgeSha256(p.policy.pledge),
      version: p.version,
    };
  };
  /** Who is asking: the proven seat user on agent.sock; on admin.sock (root), the seat user. */
  const seatUserOf = (asker: Asker) =>
    asker.seatUser ?? (asker.socket === 'admin' ? (ctx?.seatUser() ?? null) : null);
  /**
   * Whether `user`'s latest acknowledgement is of this very text. The state key written with
   * each acknowledgement answers first: retention removes old events, and the person must not
   * be asked again for a text they confirmed because its record aged out of the local log.
   * The log answers for acknowledgements made before that key existed, and what it says is
   * then kept in the key, before retention can remove it.
   */
  const acknowledged = (user: string, sha256: string) => {
    const kept = ctx?.store.getState(ackKey(user));
    if (kept !== undefined) return kept === sha256;
    const last = ctx?.store.query({
      types: ['policy.acknowledged'],
      user,
      order: 'desc',
      limit: 1,
    })[0];
    const confirmed = last?.data.sha256;
    if (typeof confirmed === 'string') ctx?.store.setState(ackKey(user), confirmed);
    return confirmed === sha256;
  };

  /**
   * At start: every person whose confirmation the log holds but the state key does not (an
   * agent from before the key) gets the key now, from their latest confirmation, before
   * retention can prune that event and the person would be asked again.
   */
  const backFill = (c: ModuleContext) => {
    const latest = new Map<string, string>();
    for (const e of c.store.query({ types: ['policy.acknowledged'], order: 'asc' }))
      if (e.user && typeof e.data.sha256 === 'string') latest.set(e.user, e.data.sha256);
    for (const [user, sha256] of latest)
      if (c.store.getState(ackKey(user)) === undefined) c.store.setState(ackKey(user), sha256);
  };

  return {
    name: 'policy',
    get manager() {
      return manager;
    },
    requests: {
      // What the tray's pledge window (or `baomi pledge`) shows: the texts, and whether the
      // person asking has confirmed this very text (the seat user only: nobody else's answer).
      'pledge.get': async (_req: Request, asker: Asker): Promise<PledgeView> => {
        const pledge = pledgeInForce();
        const user = seatUserOf(asker);
        return {
          pledge,
          acknowledged: pledge && user ? acknowledged(user, pledge.sha256) : null,
        };
      },
      // `policy.acknowledged` with the version, the text's hash and the person: only for the
      // text in force now (what they read must be what they confirm), and only by the person
      // themselves (a seat token on agent.sock): root on admin.sock cannot confirm for them.
      'pledge.acknowledge': async (req: Request, asker: Asker) => {
        if (req.type !== 'pledge.acknowledge') throw new Error('wrong request');
        const pledge = pledgeInForce();
        if (!pledge) throw new BaomiError('PLEDGE_NONE', {}, 2);
        if (req.sha256 !== pledge.sha256)
          throw new BaomiError('PLEDGE_CHANGED', { version: pledge.version }, 2);
        const user = asker.seatUser;
        if (!user || !ctx) throw new BaomiError('PLEDGE_NO_SEAT_USER', {}, 2);
        const e = await ctx.store.append(
          {
            type: 'policy.acknowledged',
            severity: 'info',
            user,
            data: { version: pledge.version, sha256: pledge.sha256 },
          },
          { state: { [ackKey(user)]: pledge.sha256 } },
        );
        ctx.log.info({ module: 'policy', user, version: pledge.version }, 'pledge acknowledged');
        return { seq: e.seq };
      },
    },
    async start(context: ModuleContext) {
      ctx = context;
      backFill(context);
      const { config, log, platform } = context;
      const trusted = loadTrustedKeys(config.trustDir, log);
      if (config.trustDemo) trusted.push(...loadTrustedKeys(DEMO_TRUST_DIR, log));
      manager = new PolicyManager({
        file: config.policyFile,
        trusted,
        store: context.store,
        dataDir: config.dataDir,
        os: platform.os,
        clock: platform.clock,
        log,
        onApplied: (p) => context.applyPolicy(p),
      });
      await manager.start();
    },
    async stop() {
      manager?.stop();
      await manager?.idle();
    },
    status() {
      const p = manager?.current;
      const untrusted = manager?.untrusted;
      return {
        policy: p ? { name: p.name, version: p.version } : null,
        // What the tray draws over the screen (null: no watermark).
        watermark: p?.policy.watermark ?? null,
        // Why the file on disk is not in force, when it was refused after this one applied.
        policyRejected: manager?.lastRejection ?? null,
        ...(untrusted
          ? {
              policyProblem: {
                code: 'POLICY_STORED_UNTRUSTED',
                version: untrusted.version,
                reason: untrusted.code,
              },
            }
          : {}),
      };
    },
  };
}
