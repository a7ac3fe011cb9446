import { describe, expect, it } from 'vitest';
import { createStrategy } from './index.ts';
import { OnnxStrategy, onnxWarmup } from './onnx.ts';
import { StrategyError } from './types.ts';

const model = { path: '/models/m.onnx' };
const fixed = (p: number | undefined) => ({ probabilityAt: () => p });

describe('OnnxStrategy', () => {
  it('buys at or above buyThreshold, sells at or below sellThreshold, holds between', () => {
    const signalFor = (p: number) => {
      const s = new OnnxStrategy(
        'm',
        { model, inputWindow: 1, buyThreshold: 0.6, sellThreshold: 0.4 },
        fixed(p),
      );
      return s.onBar(0);
    };
    expect([0.6, 0.9, 0.59, 0.41, 0.4, 0.1].map(signalFor)).toEqual([1, 1, 0, 0, -1, -1]);
  });

  it('holds until the window is full, and counts a previous close for returns', () => {
    expect(onnxWarmup({ inputWindow: 3, features: ['close'] })).toBe(3);
    expect(onnxWarmup({ inputWindow: 3, features: ['close', 'logReturns'] })).toBe(4);
    const s = new OnnxStrategy('m', { model, inputWindow: 3 }, fixed(1));
    expect([s.onBar(0), s.onBar(1), s.ready]).toEqual([0, 0, false]);
    expect([s.onBar(2), s.ready]).toEqual([1, true]);
    s.onStart();
    expect(s.onBar(3)).toBe(0);
  });

  it('applies the schema defaults', () => {
    const s = new OnnxStrategy('m', { model });
    expect(s.params).toEqual({
      model,
      inputWindow: 64,
      features: ['close'],
      buyThreshold: 0.6,
      sellThreshold: 0.4,
    });
  });

  it.each([
    [
      { model, buyThreshold: 0.4, sellThreshold: 0.4 },
      'strategies[2].onnx.sellThreshold',
      'lower than buyThreshold',
    ],
    [{ model, buyThreshold: 1.5 }, 'strategies[2].onnx.buyThreshold', 'at most 1'],
    [{ model, features: ['close', 'close'] }, 'strategies[2].onnx.features[1]', 'listed twice'],
    [{ model, features: ['vwap'] }, 'strategies[2].onnx.features[0]', 'must be one of'],
    [
      { model: { path: '/a.onnx', configMapRef: { name: 'm', key: 'k' } } },
      'strategies[2].onnx.model',
      'exactly one',
    ],
    [{}, 'strategies[2].onnx.model', 'exactly one'],
    [{ model, inputWindow: 0 }, 'strategies[2].onnx.inputWindow', 'at least 1'],
  ])('refuses %j naming the field', (params, field, why) => {
    const build = () => createStrategy({ name: 'm', type: 'onnx', weight: '1', onnx: params as never }, 2);
    expect(build).toThrow(StrategyError);
    expect(build).toThrow(why);
    try {
      build();
    } catch (e) {
      expect((e as StrategyError).field).toBe(field);
    }
  });

  it('built without a model, knows its warm-up but refuses to trade, naming the model field', () => {
    const s = createStrategy(
      { name: 'm', type: 'onnx', weight: '1', onnx: { model, inputWindow: 5 } as never },
      1,
    );
    expect(s.warmup).toBe(5);
    expect(() => s.onBar(0, 1, 1, 1, 1, 1)).toThrow(
      /STRATEGY_MODEL_NOT_LOADED: strategies\[1\]\.onnx\.model/,
    );
  });
});
