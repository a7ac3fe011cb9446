import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from './fake-clock.ts';
import { installShutdown, type ShutdownStep } from './shutdown.ts';

function setup(steps: ShutdownStep[], timeoutMs = 25_000) {
  const signals = new EventEmitter();
  const clock = new FakeClock();
  const exits: number[] = [];
  const handle = installShutdown({
    steps,
    clock,
    timeoutMs,
    signalSource: signals,
    exit: (code) => exits.push(code),
  });
  return { signals, clock, exits, handle };
}

/** A step that records when it starts and ends, and finishes when the test says so. */
function gatedStep(name: string, log: string[]) {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const step: ShutdownStep = {
    name,
    run: async () => {
      log.push(`${name} start`);
      await gate;
      log.push(`${name} end`);
    },
  };
  return { step, open: () => open() };
}

describe('installShutdown', () => {
  it('runs the steps strictly in order on SIGTERM, then exits 0', async () => {
    const log: string[] = [];
    const steps = ['stop leading', 'stop informers', 'drain queue', 'close server'].map((n) =>
      gatedStep(n, log),
    );
    const { signals, exits } = setup(steps.map((s) => s.step));
    signals.emit('SIGTERM');
    await flushMicrotasks();
    expect(log).toEqual(['stop leading start']);
    for (const s of steps) {
      s.open();
      await flushMicrotasks();
    }
    expect(log).toEqual([
      'stop leading start',
      'stop leading end',
      'stop informers start',
      'stop informers end',
      'drain queue start',
      'drain queue end',
      'close server start',
      'close server end',
    ]);
    expect(exits).toEqual([0]);
  });

  it('goes on with the next steps after one fails, and exits 1', async () => {
    const ran: string[] = [];
    const { signals, exits } = setup([
      { name: 'a', run: () => void ran.push('a') },
      {
        name: 'b',
        run: () => {
          throw new Error('b failed');
        },
      },
      { name: 'c', run: () => void ran.push('c') },
    ]);
    signals.emit('SIGINT');
    await flushMicrotasks();
    expect(ran).toEqual(['a', 'c']);
    expect(exits).toEqual([1]);
  });

  it('runs the steps once however many times shutdown is asked for', async () => {
    let runs = 0;
    const { handle, exits } = setup([{ name: 'count', run: () => void runs++ }]);
    await Promise.all([handle.shutdown('test'), handle.shutdown('again')]);
    expect(runs).toBe(1);
    expect(exits).toEqual([0]);
  });

  it('exits 1 at once on a second signal while steps are still running', async () => {
    const log: string[] = [];
    const slow = gatedStep('slow', log);
    const { signals, exits } = setup([slow.step]);
    signals.emit('SIGTERM');
    await flushMicrotasks();
    signals.emit('SIGTERM');
    expect(exits).toEqual([1]);
    slow.open();
    await flushMicrotasks();
    expect(exits).toEqual([1]);
  });

  it('exits 1 when the steps overrun the deadline', async () => {
    const log: string[] = [];
    const stuck = gatedStep('stuck', log);
    const next = gatedStep('next', log);
    const { signals, clock, exits } = setup([stuck.step, next.step], 5_000);
    signals.emit('SIGTERM');
    await clock.advance(4_999);
    expect(exits).toEqual([]);
    await clock.advance(1);
    expect(exits).toEqual([1]);
    stuck.open();
    await flushMicrotasks();
    expect(log).toEqual(['stuck start', 'stuck end']);
  });

  it('stops listening after uninstall', async () => {
    const { signals, handle, exits } = setup([]);
    handle.uninstall();
    signals.emit('SIGTERM');
    await flushMicrotasks();
    expect(exits).toEqual([]);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });
});
