import { describe, expect, it } from 'vitest';
import type { Fill } from '../domain/index.ts';
import type { Venue, VenueEvent } from '../venue/venue.ts';
import { RecordingVenue } from './recording-venue.ts';

/** A venue that reports one fill on every candle, counting how often its Fill is read. */
function countingVenue(): { venue: Venue; reads: () => number } {
  let reads = 0;
  const fill = { orderId: 'O-1', tradeId: 'O-1-1' } as unknown as Fill;
  const venue = {
    submit: () => undefined,
    cancel: () => undefined,
    protect: () => undefined,
    activeCount: () => 1,
    onCandle: (_k: number, t: number, ...rest: unknown[]) => {
      const out = rest.at(-1) as VenueEvent[];
      out.push({ type: 'OrderAccepted', orderId: 'O-1', venueOrderId: 'V-1', ts: t });
      out.push({
        type: 'OrderFilled',
        orderId: 'O-1',
        ts: t,
        get fill() {
          reads++;
          return fill;
        },
      });
    },
  } as Venue;
  return { venue, reads: () => reads };
}

describe('RecordingVenue', () => {
  it('reads no fill during the step: a fill kept as counts is made when the executor reads it', () => {
    const { venue, reads } = countingVenue();
    const recording = new RecordingVenue(venue);
    const out: VenueEvent[] = [];
    recording.onCandle(0, 7, 1, 1, 1, 1, 1, out);
    expect(out.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderFilled']);
    const events = recording.takeOrderEvents();
    const fills = recording.takeFillEvents();
    expect(reads()).toBe(0);
    expect(fills.map((e) => e.fill.tradeId)).toEqual(['O-1-1']);
    expect(events.map((e) => e.event)).toEqual([
      { type: 'OrderAccepted', ts: 7, venueOrderId: 'V-1' },
      { type: 'OrderFilled', ts: 7, fill: fills[0]!.fill },
    ]);
    expect(recording.takeFillEvents()).toEqual([]);
  });
});
