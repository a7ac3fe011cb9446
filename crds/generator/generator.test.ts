import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kinds, riskPolicy, tradingBot } from '../schema/index.ts';
import { table } from './docs.ts';
import { renderAll } from './render.ts';
import { renderTypes } from './types.ts';

const root = join(import.meta.dirname, '..', '..');

describe('generated files', () => {
  const files = renderAll();

  it('are up to date with crds/schema (run `npm run gen`)', async () => {
    expect([...files.keys()].sort()).toEqual([
      'crds/generated/types.ts',
      'crds/trading.botcore.dev_riskpolicies.yaml',
      'crds/trading.botcore.dev_tradingbots.yaml',
      'docs/api.md',
    ]);
    for (const [path, content] of files) {
      const onDisk = await readFile(join(root, path), 'utf8');
      expect({ path, upToDate: onDisk === content }).toEqual({ path, upToDate: true });
    }
  });

  it('render CRDs the API server accepts as they are: names, scope, subresource, no generator-only keys', () => {
    const crd = parse(files.get('crds/trading.botcore.dev_tradingbots.yaml')!);
    expect(crd.metadata.name).toBe('tradingbots.trading.botcore.dev');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names.shortNames).toEqual(['tb']);
    expect(crd.spec.names.categories).toEqual(['trading', 'botcore']);
    const version = crd.spec.versions[0];
    expect(version.name).toBe('v1alpha1');
    expect(version.subresources).toEqual({ status: {} });
    expect(version.additionalPrinterColumns.map((c: { name: string }) => c.name)).toEqual([
      'Mode',
      'Phase',
      'Equity',
      'PnL-Today',
      'Trades-Today',
      'Ready',
      'Exchange',
      'Timeframe',
      'Positions',
      'Risk',
      'Age',
    ]);
    expect(files.get('crds/trading.botcore.dev_tradingbots.yaml')).not.toMatch(/x-botcore-/);
    const rp = parse(files.get('crds/trading.botcore.dev_riskpolicies.yaml')!);
    expect(rp.spec.names.shortNames).toEqual(['rp']);
    expect(rp.spec.versions[0].additionalPrinterColumns.map((c: { name: string }) => c.name)).toContain(
      'Bound',
    );
  });

  it('render types as string-literal unions, with defaulted fields required', () => {
    const types = files.get('crds/generated/types.ts')!;
    expect(types).toMatch(/mode: "paper" \| "live";/);
    expect(types).toMatch(/export interface RsiParams \{[^}]*period: number;/);
    expect(types).toMatch(/riskPolicyRef\?: RiskPolicyRef;/);
    expect(types).not.toMatch(/\benum\b/);
  });

  it('refuses two different objects with the same type name', () => {
    const a = { ...tradingBot, spec: { ...tradingBot.spec, 'x-botcore-type-name': 'Same' } };
    const b = { ...riskPolicy, spec: { ...riskPolicy.spec, 'x-botcore-type-name': 'Same' } };
    expect(() => renderTypes([a, b])).toThrow('two different objects are both named Same');
  });

  it('pads Markdown tables as Biome formats them', () => {
    expect(
      table(
        ['Column', 'From'],
        [
          ['Mode', '`.spec.mode`'],
          ['Ready', 'a \\| b'],
        ],
      ),
    ).toBe(
      [
        '| Column | From         |',
        '| ------ | ------------ |',
        '| Mode   | `.spec.mode` |',
        '| Ready  | a \\| b       |',
        '',
      ].join('\n'),
    );
  });

  it('render docs with a section and an example per field group', () => {
    const docs = files.get('docs/api.md')!;
    for (const kind of kinds) {
      const kindSection = docs.split(`## ${kind.kind}\n`)[1] ?? '';
      for (const group of Object.keys(kind.spec.properties ?? {})) {
        const section = kindSection.split(`#### spec.${group}\n`)[1]?.split('\n#### ')[0] ?? '';
        expect({ group, hasExample: section.includes('Example:\n\n```yaml') }).toEqual({
          group,
          hasExample: true,
        });
      }
    }
    expect(docs).toContain('`spec.strategies[].rsi.period`');
    expect(docs).toContain('mode live requires a riskPolicyRef');
  });
});
