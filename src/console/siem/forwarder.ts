// A SIEM sink's forwarder (issue 12 §3): one step reads the next events past the sink's
// stored positions (store.siemPending), sends them as one batch (batch.ts, transport.ts) and,
// only once the collector has taken the batch, moves the positions on (store.siemAdvance).
// It runs under the lease `siem:<name>` (index.ts, server/lease-loop.ts), so one console
// process of several on a database forwards a sink at a time, and a restart resumes exactly
// where the positions are.
//
// Exactly one batch is in flight; a failed batch is not advanced and is sent again, whole,
// after a back-off (1 s doubling to 60 s): a collector that accepts and never reads costs one
// batch of memory and a connection at a time, and loses nothing. A failure is logged when
// the sink starts failing or fails another way, not at every retry, and recorded on the
// sink's row (siemSetState: failing since, attempts, the last error) where staff see it; the
// recovery is logged too.
//
// Timeouts bound a step well inside the lease's 30 s, so a lease never expires under a
// running delivery (two holders would send a batch twice).
import { createRequire } from 'node:module';
import type { FastifyBaseLogger } from 'fastify';
import type { SiemSink } from '../../core/console/config/siem.js';
import { backoffMs, MAX_BATCH_BYTES } from '../../core/console/siem/delivery.js';
import type { SiemFormatOptions } from '../../core/console/siem/format.js';
import type { ConsoleStore } from '../store/types.js';
import { planBatch } from './batch.js';
import { deliverRelp, RelpDeliveryError } from './relp.js';
import {
  type Collector,
  DEFAULT_TIMEOUTS,
  type DeliverTimeouts,
  DeliveryError,
  deliverBatch,
} from './transport.js';

const require = createRequire(import.meta.url);
/** Baomi's version, for CEF's Device Version. */
export const VERSION: string = (require('../../../package.json') as { version: string }).version;

/** Rows one step reads: a batch of 16 KiB holds some 20–40 events (more rows are read and
 *  parsed for nothing; fewer make more steps when filters pass over many). */
const READ_EVENTS = 40;
/** Agents one step looks at. */
const READ_AGENTS = 32;

export interface ForwarderOptions {
  sink: SiemSink;
  collector: Collector;
  store: ConsoleStore;
  now: () => number;
  log: FastifyBaseLogger;
  timeouts?: DeliverTimeouts;
  /** For the back-off's jitter (tests pass a constant). */
  random?: () => number;
  /** The send (tests may wrap it); default deliverBatch. */
  deliver?: (c: Collector, batch: Uint8Array, t: DeliverTimeouts) => Promise<void>;
  /** The RELP send (tests may wrap it); default deliverRelp. */
  deliverRelp?: (c: Collector, messages: readonly Buffer[], t: DeliverTimeouts) => Promise<void>;
}

/** How a sink is doing, for tests and logs (the store row is what staff read). */
export interface ForwarderState {
  /** Consecutive failed attempts (0: delivering). */
  failures: number;
  /** The code of the current run of failures. */
  failing: string | null;
  /** No attempt before this time (ms since the epoch). */
  retryAt: number;
}

export class SiemForwarder {
  readonly name: string;
  private opened = false;
  private cursor: string | null = null;
  private readonly format: SiemFormatOptions;
  private readonly log: FastifyBaseLogger;
  readonly state: ForwarderState = { failures: 0, failing: null, retryAt: 0 };

  constructor(private readonly o: ForwarderOptions) {
    this.name = o.sink.name;
    this.format = {
      format: o.sink.format,
      facility: o.sink.facility,
      maxBytes: o.sink.maxMessage,
      version: VERSION,
    };
    this.log = o.log.child({ module: 'siem', sink: o.sink.name });
  }

  /** One batch at most. True when it wants to run again at once (more may be waiting). */
  async step(): Promise<boolean> {
    const { store, sink } = this.o;
    if (!this.opened) {
      const row = await store.siemOpen(sink.name, sink.start, this.o.now());
      this.opened = true;
      this.log.info(
        { url: sink.url, format: sink.format, start: row.start, behind: row.behind },
        'SIEM sink open',
      );
    }
    if (this.o.now() < this.state.retryAt) return false;

    const pending = await store.siemPending(sink.name, {
      after: this.cursor,
      agents: READ_AGENTS,
      events: READ_EVENTS,
    });
    if (pending.agents.length === 0 && pending.late.length === 0) return false;
    const plan = planBatch(pending, sink, this.format);
    if (plan.bytes.length > 0) {
      try {
        const t = this.o.timeouts ?? DEFAULT_TIMEOUTS;
        if (this.o.collector.relp)
          await (this.o.deliverRelp ?? deliverRelp)(this.o.collector, plan.messages, t);
        else await (this.o.deliver ?? deliverBatch)(this.o.collector, plan.bytes, t);
      } catch (e) {
        // RELP: what the collector acknowledged (a prefix of the batch) is delivered; the
        // positions move through it and the rest is sent again.
        if (e instanceof RelpDeliveryError && e.acked > 0) {
          const part = planBatch(pending, sink, this.format, MAX_BATCH_BYTES, e.acked);
          await store.siemAdvance(sink.name, { ...part.advance, at: this.o.now() });
          // The collector was taking events: the back-off starts again from its first step
          // (repeated kills mid-batch would otherwise grow it to a minute).
          this.state.failures = 0;
        }
        await this.failed(e);
        return false;
      }
    }
    await store.siemAdvance(sink.name, { ...plan.advance, at: this.o.now() });
    this.cursor = plan.cursor ?? this.cursor;
    if (this.state.failures > 0 && plan.bytes.length > 0) await this.recovered();
    return true;
  }

  private async failed(e: unknown): Promise<void> {
    const err =
      e instanceof DeliveryError
        ? e
        : new DeliveryError('SIEM_RESET', { url: this.o.collector.url, reason: String(e) });
    const s = this.state;
    s.failures++;
    const wait = backoffMs(s.failures, (this.o.random ?? Math.random)());
    s.retryAt = this.o.now() + wait;
    const params = { sink: this.name, ...err.params };
    if (s.failing !== err.code) {
      // Once per change of state, not per retry.
      this.log.warn(
        { code: err.code, ...params, attempts: s.failures, retryInMs: wait },
        'SIEM sink cannot deliver; the batch waits and is sent again',
      );
      s.failing = err.code;
    }
    await this.o.store
      .siemSetState(this.name, { error: { code: err.code, params }, at: this.o.now() })
      .catch((storeErr: unknown) =>
        this.log.error({ err: storeErr }, 'SIEM sink failure not recorded in the store'),
      );
  }

  private async recovered(): Promise<void> {
    this.log.info(
      { attempts: this.state.failures, was: this.state.failing },
      'SIEM sink delivers again',
    );
    this.state.failures = 0;
    this.state.failing = null;
    this.state.retryAt = 0;
    await this.o.store.siemSetState(this.name, { error: null, at: this.o.now() });
  }
}
