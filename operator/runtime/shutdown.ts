// Graceful shutdown: the first SIGTERM or SIGINT runs the shutdown steps one
// after another, in the order given (for the manager: stop leading, stop
// informers, drain the queues, close the server); a step that fails is logged
// and the next one still runs. A second signal, or the deadline passing
// (default 25 s, inside Kubernetes' 30 s grace period), exits at once.
import { type Clock, realClock } from './clock.ts';
import { type Logger, silentLogger } from './logger.ts';

export interface ShutdownStep {
  readonly name: string;
  run(): void | Promise<void>;
}

/** The part of `process` shutdown needs, so tests can pass a fake. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface ShutdownOptions {
  readonly steps: ReadonlyArray<ShutdownStep>;
  readonly signals?: ReadonlyArray<NodeJS.Signals>;
  /** Upper bound for all steps together; then the process exits with 1. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly signalSource?: SignalSource;
  /** How to end the process (default `process.exit`); 0 after a clean shutdown, 1 otherwise. */
  readonly exit?: (code: number) => void;
}

export interface ShutdownHandle {
  /** Runs the steps (once, however often called) and then exits. */
  shutdown(reason: string): Promise<void>;
  /** Removes the signal handlers. */
  uninstall(): void;
}

export function installShutdown(options: ShutdownOptions): ShutdownHandle {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const source = options.signalSource ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const clock = options.clock ?? realClock;
  const log = (options.logger ?? silentLogger()).child({ component: 'shutdown' });
  const timeoutMs = options.timeoutMs ?? 25_000;
  let running: Promise<void> | undefined;
  let exited = false;

  const finish = (code: number): void => {
    if (exited) return;
    exited = true;
    exit(code);
  };

  const shutdown = (reason: string): Promise<void> => {
    if (running !== undefined) return running;
    log.info({ reason }, 'shutting down');
    const deadline = clock.setTimer(timeoutMs, () => {
      log.error({ timeoutMs }, 'shutdown took too long; exiting now');
      finish(1);
    });
    running = (async () => {
      let failed = false;
      for (const step of options.steps) {
        if (exited) return;
        try {
          log.info({ step: step.name }, 'shutdown step');
          await step.run();
        } catch (error) {
          failed = true;
          log.error({ err: error, step: step.name }, 'shutdown step failed');
        }
      }
      deadline.cancel();
      log.info({ failed }, 'shutdown complete');
      finish(failed ? 1 : 0);
    })();
    return running;
  };

  const onSignal = (signal: NodeJS.Signals) => (): void => {
    if (running !== undefined) {
      log.warn({ signal }, 'second signal; exiting now');
      finish(1);
      return;
    }
    void shutdown(signal);
  };
  const listeners = signals.map((signal) => [signal, onSignal(signal)] as const);
  for (const [signal, listener] of listeners) source.on(signal, listener);

  return {
    shutdown,
    uninstall() {
      for (const [signal, listener] of listeners) source.off(signal, listener);
    },
  };
}
