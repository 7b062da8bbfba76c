// What every background worker of a console process is (workers.ts builds them). Its own
// file so that workers (lease-loop.ts) and the parts that build them (siem/, …) can name it
// without an import cycle through workers.ts.
export interface ConsoleWorker {
  /** For logs: `siem:soc`, `notify`, `retention`. */
  readonly name: string;
  start(): void;
  /** Resolves when the worker's current step has finished; nothing runs after it. */
  stop(): Promise<void>;
}
