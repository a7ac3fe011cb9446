// The API against the real API server: the CRDs install as they are, every
// example is accepted with the documented defaults, every manifest of the
// invalid corpus is rejected naming the offending field (and crds/validation
// gives the same verdict), printer columns, kubectl explain, the status
// subresource and generation bumps.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RiskPolicy, TradingBot } from '../../crds/index.ts';
import { formatFieldError, kindOf, kinds, loadManifests, validateManifest } from '../../crds/index.ts';
import { baseFor, type InvalidCase, invalidCorpus, manifestFor } from '../../crds/testdata/invalid-corpus.ts';
import { eventually } from '../support/eventually.ts';
import { adminKubeConfig, testNamespace } from '../support/kube.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const GROUP = 'trading.botcore.dev';
const VERSION = 'v1alpha1';
const plural = { TradingBot: 'tradingbots', RiskPolicy: 'riskpolicies' } as const;

type Manifest = Record<string, unknown> & {
  kind: string;
  metadata: { name: string; generation?: number; resourceVersion?: string };
  spec?: Record<string, unknown>;
};

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(process.env.KUBECTL ?? 'kubectl', args, {
    env: { ...process.env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

async function examples(): Promise<{ file: string; docs: Manifest[] }[]> {
  const out: { file: string; docs: Manifest[] }[] = [];
  for (const dir of ['policies', 'bots']) {
    for (const file of readdirSync(join(root, 'examples', dir)).sort()) {
      out.push({
        file: `${dir}/${file}`,
        docs: (await loadManifests(join(root, 'examples', dir, file))) as Manifest[],
      });
    }
  }
  return out;
}

/** Parses kubectl's table output by the header's column positions (empty cells stay empty). */
function parseTable(text: string): { header: string[]; rows: Record<string, string>[] } {
  const [headerLine = '', ...lines] = text.replace(/\n+$/, '').split('\n');
  const starts = [...headerLine.matchAll(/\S+/g)].map((m) => ({ name: m[0], at: m.index }));
  const rows = lines.map((line) => {
    const row: Record<string, string> = {};
    starts.forEach((col, i) => {
      row[col.name] = line.slice(col.at, starts[i + 1]?.at ?? line.length).trim();
    });
    return row;
  });
  return { header: starts.map((s) => s.name), rows };
}

interface ServerRejection {
  code: number;
  message: string;
  /** `details.causes[].field`, plus fields named as `unknown field "x"` in strict decoding errors. */
  fields: string[];
  /** Each cause as the API server prints it: `field: message`, sorted. */
  causes: string[];
}

function rejection(error: unknown): ServerRejection {
  if (!(error instanceof ApiException)) throw error;
  const body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
  const message: string = body?.message ?? String(error.body);
  const fields = new Set<string>();
  for (const cause of body?.details?.causes ?? []) {
    // "<nil>": the API server's "rules not checked" error, which has no field (ours has '').
    if (typeof cause.field === 'string')
      fields.add(cause.field === '<nil>' ? '' : cause.field.replace(/^\./, ''));
  }
  for (const match of message.matchAll(/unknown field "([^"]+)"/g)) fields.add(match[1]!);
  const causes = (body?.details?.causes ?? []).map(
    (c: { field?: string; message: string }) => `${c.field}: ${c.message}`,
  );
  return { code: error.code, message, fields: [...fields].sort(), causes: causes.sort() };
}

describe('TradingBot and RiskPolicy CRDs on the real API server', () => {
  const kc = adminKubeConfig();
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const extensions = kc.makeApiClient(ApiextensionsV1Api);
  let ns: { name: string; remove: () => Promise<void> };

  const create = (m: Manifest, fieldValidation = 'Strict'): Promise<Manifest> =>
    custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns.name,
      plural: plural[m.kind as keyof typeof plural],
      body: m,
      fieldValidation,
    });

  const get = (kind: keyof typeof plural, name: string): Promise<Manifest> =>
    custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns.name,
      plural: plural[kind],
      name,
    });

  beforeAll(async () => {
    // The folder as it is: the CRDs are the only manifests in it.
    const applied = await kubectl('apply', '--server-side', '--force-conflicts', '-f', join(root, 'crds'));
    expect(applied.trim().split('\n').sort()).toEqual(
      kinds
        .map((k) => `customresourcedefinition.apiextensions.k8s.io/${k.plural}.${k.group} serverside-applied`)
        .sort(),
    );
    await kubectl(
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      ...kinds.map((k) => `crd/${k.plural}.${k.group}`),
    );
    ns = await testNamespace(kc, 'api-crds');
  });

  afterAll(async () => {
    await ns?.remove();
  });

  it('installs both CRDs as they are, with their names, short names and categories accepted', async () => {
    for (const kind of kinds) {
      const crd = await extensions.readCustomResourceDefinition({ name: `${kind.plural}.${kind.group}` });
      const established = crd.status?.conditions?.find((c) => c.type === 'Established');
      expect(established?.status).toBe('True');
      expect(crd.status?.acceptedNames?.shortNames).toEqual([...kind.shortNames]);
      expect(crd.status?.acceptedNames?.categories).toEqual(['trading', 'botcore']);
      expect(crd.spec.scope).toBe('Namespaced');
      expect(crd.spec.versions[0]?.subresources?.status).toEqual({});
    }
  });

  /** Creates every example once (tests below use them); returns what the API server stored. */
  let created: Promise<{ file: string; doc: Manifest; stored: Manifest }[]> | undefined;
  const createExamples = () => {
    created ??= (async () => {
      const out: { file: string; doc: Manifest; stored: Manifest }[] = [];
      for (const { file, docs } of await examples()) {
        for (const doc of docs) {
          if (kindOf(doc)) out.push({ file, doc, stored: await create(doc) });
          else await core.createNamespacedSecret({ namespace: ns.name, body: doc as never });
        }
      }
      return out;
    })();
    return created;
  };

  it('accepts every example, storing the defaults that crds/validation applies', async () => {
    const all = await createExamples();
    expect(all.length).toBeGreaterThanOrEqual(12);
    for (const { file, doc, stored } of all) {
      const ours = validateManifest(doc);
      expect({ file, errors: ours.errors.map(formatFieldError) }).toEqual({ file, errors: [] });
      expect({ file, spec: stored.spec }).toEqual({ file, spec: ours.object.spec });
    }
  });

  it('kubectl apply -R -f examples/ applies every example as it is, with strict field validation', async () => {
    const fresh = await testNamespace(kc, 'api-examples');
    try {
      await kubectl('apply', '-n', fresh.name, '--validate=strict', '-R', '-f', join(root, 'examples'));
      const bots = (await kubectl('get', 'tb', '-n', fresh.name, '-o', 'name')).trim().split('\n');
      const policies = (await kubectl('get', 'rp', '-n', fresh.name, '-o', 'name')).trim().split('\n');
      const all = await examples();
      const count = (kind: string) => all.flatMap((e) => e.docs).filter((d) => d.kind === kind).length;
      expect(bots.length).toBe(count('TradingBot'));
      expect(policies.length).toBe(count('RiskPolicy'));
    } finally {
      await fresh.remove();
    }
  });

  it('applies the documented defaults to a minimal bot and an empty policy', async () => {
    await createExamples();
    const bot = (await get('TradingBot', 'rsi-btc')) as unknown as TradingBot;
    expect(bot.spec.mode).toBe('paper');
    expect(bot.spec.timeframe).toBe('1m');
    expect(bot.spec.strategies[0]).toMatchObject({
      weight: '1',
      rsi: { period: 14, overbought: 70, oversold: 30 },
    });
    expect(bot.spec.combine).toEqual({ method: 'weightedVote', threshold: 0.5 });
    expect(bot.spec.execution).toMatchObject({ orderType: 'market', takerFeePercent: '0.1', slippageBps: 5 });
    expect(bot.spec.statusEndpoint).toEqual({ enabled: true, port: 8080, auth: 'bearerToken' });

    const policy = (await get('RiskPolicy', 'defaults')) as unknown as RiskPolicy;
    expect(policy.spec).toMatchObject({
      maxDailyLossPercent: '5',
      cooldown: { consecutiveLosses: 5, minutes: 60 },
      riskPerTradePercent: '2',
      maxCorrelatedExposurePercent: '70',
      halt: false,
    });
  });

  describe(`rejects each of the ${invalidCorpus.length} invalid manifests, naming the field, with the same verdict as crds/validation`, () => {
    it('has at least 40 of them', () => {
      expect(invalidCorpus.length).toBeGreaterThanOrEqual(40);
    });

    it.each(invalidCorpus.map((c) => [c.name, c] as const))('%s', async (_name, c: InvalidCase) => {
      const manifest = manifestFor(c) as Manifest;
      const name = manifest.metadata.name;
      let attempt: Promise<unknown>;
      if (c.update) {
        const created = await create(baseFor(c, name) as Manifest);
        const next = {
          ...manifest,
          metadata: { ...manifest.metadata, resourceVersion: created.metadata.resourceVersion },
        };
        attempt = custom.replaceNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: ns.name,
          plural: plural[c.kind],
          name,
          body: next,
          fieldValidation: 'Strict',
        });
      } else {
        attempt = create(manifest);
      }
      const server = await attempt.then(
        () => undefined,
        (error: unknown) => rejection(error),
      );
      expect(server, `the API server accepted ${c.name}`).toBeDefined();
      expect([400, 422]).toContain(server!.code);
      expect(server!.fields).toContain(c.field);
      expect(server!.message).toContain(c.field);

      const ours = c.update
        ? validateManifest(manifest, { oldObject: baseFor(c, name) })
        : validateManifest(manifest);
      expect(ours.valid).toBe(false);
      const ourFields = [...new Set(ours.errors.map((e) => e.field))].sort();
      expect({ case: c.name, fields: ourFields }).toEqual({ case: c.name, fields: server!.fields });
      if (server!.code === 422) {
        // Validation errors: the same messages, word for word.
        expect(ours.errors.map(formatFieldError).sort()).toEqual(server!.causes);
      } else {
        // Strict decoding (400) stops at unknown fields, before validation; so do we.
        expect(ours.errors.every((e) => e.type === 'FieldValueUnknown')).toBe(true);
        expect(server!.message).toContain(`strict decoding error: unknown field "${c.field}"`);
      }
    });
  });

  it('shows the printer columns in kubectl get tb and kubectl get rp', async () => {
    await createExamples();
    await custom.patchNamespacedCustomObjectStatus(
      {
        group: GROUP,
        version: VERSION,
        namespace: ns.name,
        plural: 'tradingbots',
        name: 'rsi-btc',
        body: {
          status: {
            phase: 'Running',
            equity: '10250.50',
            pnlToday: '-12.25',
            openPositions: 1,
            tradesToday: 7,
            risk: { state: 'CoolingDown', reason: '5 losses in a row', until: '2026-01-01T01:00:00Z' },
            conditions: [
              {
                type: 'Ready',
                status: 'True',
                reason: 'Trading',
                message: 'all strategies ready',
                lastTransitionTime: '2026-01-01T00:00:00Z',
              },
            ],
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const table = parseTable(await kubectl('get', 'tb', '-n', ns.name));
    expect(table.header).toEqual([
      'NAME',
      'MODE',
      'PHASE',
      'EQUITY',
      'PNL-TODAY',
      'TRADES-TODAY',
      'READY',
      'AGE',
    ]);
    const rsi = table.rows.find((r) => r.NAME === 'rsi-btc');
    expect(rsi).toMatchObject({
      MODE: 'paper',
      PHASE: 'Running',
      EQUITY: '10250.50',
      'PNL-TODAY': '-12.25',
      'TRADES-TODAY': '7',
      READY: 'True',
    });
    expect(rsi?.AGE).toMatch(/^\d+[smh]/);
    expect(table.rows.find((r) => r.NAME === 'live-testnet-btc')).toMatchObject({
      MODE: 'live',
      PHASE: '',
      READY: '',
    });

    const wide = parseTable(await kubectl('get', 'tradingbots', '-n', ns.name, '-o', 'wide'));
    expect(wide.header).toEqual([
      'NAME',
      'MODE',
      'PHASE',
      'EQUITY',
      'PNL-TODAY',
      'TRADES-TODAY',
      'READY',
      'EXCHANGE',
      'TIMEFRAME',
      'POSITIONS',
      'RISK',
      'AGE',
    ]);
    expect(wide.rows.find((r) => r.NAME === 'rsi-btc')).toMatchObject({
      EXCHANGE: 'binance',
      TIMEFRAME: '1m',
      POSITIONS: '1',
      'TRADES-TODAY': '7',
      RISK: 'CoolingDown',
    });

    await custom.patchNamespacedCustomObjectStatus(
      {
        group: GROUP,
        version: VERSION,
        namespace: ns.name,
        plural: 'riskpolicies',
        name: 'conservative',
        body: { status: { boundBots: 1, bots: ['live-testnet-btc'], halted: false } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const policies = parseTable(await kubectl('get', 'rp', '-n', ns.name));
    expect(policies.header).toEqual(['NAME', 'BOUND', 'HALT', 'HALTED', 'AGE']);
    expect(policies.rows.find((r) => r.NAME === 'conservative')).toMatchObject({
      BOUND: '1',
      HALT: 'false',
      HALTED: 'false',
    });
    expect(policies.rows.find((r) => r.NAME === 'emergency-halt')).toMatchObject({ BOUND: '', HALT: 'true' });
    const policiesWide = parseTable(await kubectl('get', 'rp', '-n', ns.name, '-o', 'wide'));
    expect(policiesWide.rows.find((r) => r.NAME === 'conservative')).toMatchObject({
      'MAX-DAILY-LOSS': '2',
      'MAX-DRAWDOWN': '8',
    });

    const category = await kubectl('get', 'botcore', '-n', ns.name, '-o', 'name');
    expect(category).toContain('tradingbot.trading.botcore.dev/rsi-btc');
    expect(category).toContain('riskpolicy.trading.botcore.dev/conservative');
  });

  it('documents the fields in kubectl explain tradingbot.spec.strategies', async () => {
    const text = await eventually(async () => {
      const out = await kubectl('explain', 'tradingbot.spec.strategies');
      return out.includes('FIELDS') ? out : undefined;
    }, 'kubectl explain to serve the new CRD');
    expect(text).toContain('The strategies, each in its own runtime pod. Names are unique.');
    for (const field of [
      'name',
      'type',
      'weight',
      'symbols',
      'rsi',
      'macd',
      'bollinger',
      'volume',
      'stochastic',
      'onnx',
    ]) {
      expect(text).toMatch(new RegExp(`^\\s+${field}\\s+<`, 'm'));
    }
    const period = await kubectl('explain', 'tradingbot.spec.strategies.rsi.period');
    expect(period).toContain('Look-back period in candles.');
  });

  it('updates status through the status subresource only, and bumps the generation on spec changes only', async () => {
    await createExamples();
    const before = await get('TradingBot', 'macd-eth');
    expect(before.metadata.generation).toBe(1);

    const withStatus = await custom.replaceNamespacedCustomObjectStatus({
      group: GROUP,
      version: VERSION,
      namespace: ns.name,
      plural: 'tradingbots',
      name: 'macd-eth',
      body: { ...before, status: { observedGeneration: 1, phase: 'Running', equity: '5000' } },
    });
    expect((withStatus as { status: Record<string, unknown> }).status).toEqual({
      observedGeneration: 1,
      phase: 'Running',
      equity: '5000',
    });
    expect(withStatus.metadata.generation).toBe(1);

    // The status subresource validates status too.
    const badStatus = await custom
      .replaceNamespacedCustomObjectStatus({
        group: GROUP,
        version: VERSION,
        namespace: ns.name,
        plural: 'tradingbots',
        name: 'macd-eth',
        body: { ...withStatus, status: { phase: 'Sleeping' } },
      })
      .then(() => undefined, rejection);
    expect(badStatus?.fields).toEqual(['', 'status.phase']);
    expect(badStatus?.message).toContain('status.phase: Unsupported value: "Sleeping"');

    // A write of the main resource ignores status and bumps the generation for a spec change.
    const spec = { ...(withStatus.spec as Record<string, unknown>), suspend: true };
    const updated = await custom.replaceNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns.name,
      plural: 'tradingbots',
      name: 'macd-eth',
      body: { ...withStatus, spec, status: { phase: 'Failed' } },
    });
    expect(updated.metadata.generation).toBe(2);
    expect((updated as { status: { phase: string } }).status.phase).toBe('Running');
    expect((updated as { spec: { suspend: boolean } }).spec.suspend).toBe(true);
  });
});
