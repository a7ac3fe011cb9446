// Differential test: random manifests (a valid base with 1-3 mutations near
// bounds, of the wrong type, malformed or deleted) go to the real API server
// as dry runs and to crds/validation. Both must give the same verdict: the
// same stored object with defaults when accepted, the same messages word for
// word when rejected. The seed is fixed so a run is reproducible; set
// BOTCORE_FUZZ_SEED to explore other cases.
import { ApiException, CustomObjectsApi } from '@kubernetes/client-node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFieldError, kindOf, validateManifest } from '../../crds/index.ts';
import type { Loose } from '../../crds/testdata/invalid-corpus.ts';
import { fuzzBases, mutatedManifest } from '../../crds/testdata/mutations.ts';
import { adminKubeConfig, testNamespace } from '../support/kube.ts';

const GROUP = 'trading.botcore.dev';
const VERSION = 'v1alpha1';
const seed = Number(process.env.BOTCORE_FUZZ_SEED ?? 20261121);
/** Names that break a rule for object names, TradingBot names, or none. */
const badName = fc.constantFrom('1st-bot', 'rsi.btc', 'rsi-', 'Upper', 'ok-name', `bot-${'x'.repeat(40)}`);

type Verdict =
  | { accepted: true; spec: unknown }
  | { accepted: false; code: number; causes: string[]; unknownFields: string[] };

describe('crds/validation against the API server on random manifests', () => {
  const kc = adminKubeConfig();
  const custom = kc.makeApiClient(CustomObjectsApi);
  let ns: { name: string; remove: () => Promise<void> };
  /** The bases as the API server stored them, for updates. */
  const stored = new Map<string, Loose>();

  beforeAll(async () => {
    // crds.int.test.ts installs the CRDs; files run one at a time, in order, but do not rely on it.
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { join } = await import('node:path');
    const root = join(import.meta.dirname, '..', '..');
    await promisify(execFile)(process.env.KUBECTL ?? 'kubectl', [
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      join(root, 'crds', 'trading.botcore.dev_tradingbots.yaml'),
      '-f',
      join(root, 'crds', 'trading.botcore.dev_riskpolicies.yaml'),
    ]);
    await promisify(execFile)(process.env.KUBECTL ?? 'kubectl', [
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/tradingbots.trading.botcore.dev',
      'crd/riskpolicies.trading.botcore.dev',
    ]);
    ns = await testNamespace(kc, 'api-fuzz');
    for (const base of fuzzBases) {
      const kind = kindOf(base)!;
      stored.set(
        base.metadata.name,
        await custom.createNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: ns.name,
          plural: kind.plural,
          body: base,
        }),
      );
    }
  });

  afterAll(async () => {
    await ns?.remove();
  });

  /** Creates (or, given the stored old object, replaces) as a dry run. */
  async function server(manifest: Loose, old: Loose | undefined): Promise<Verdict> {
    const kind = kindOf(manifest)!;
    const target = { group: GROUP, version: VERSION, namespace: ns.name, plural: kind.plural };
    try {
      const result = old
        ? await custom.replaceNamespacedCustomObject({
            ...target,
            name: manifest.metadata.name,
            body: {
              ...manifest,
              metadata: { ...manifest.metadata, resourceVersion: old.metadata.resourceVersion },
            },
            dryRun: 'All',
            fieldValidation: 'Strict',
          })
        : await custom.createNamespacedCustomObject({
            ...target,
            body: manifest,
            dryRun: 'All',
            fieldValidation: 'Strict',
          });
      return { accepted: true, spec: (result as { spec: unknown }).spec };
    } catch (error) {
      if (!(error instanceof ApiException)) throw error;
      const body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
      const causes = (body?.details?.causes ?? []).map(
        (c: { field?: string; message: string }) => `${c.field}: ${c.message}`,
      );
      const unknownFields = [...String(body?.message).matchAll(/unknown field "([^"]+)"/g)].map((m) => m[1]!);
      return {
        accepted: false,
        code: error.code,
        causes: causes.sort(),
        unknownFields: unknownFields.sort(),
      };
    }
  }

  it('gives the same verdict, defaults and messages as the API server, on creates and updates', async () => {
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(
        mutatedManifest,
        fc.boolean(),
        fc.option(badName, { freq: 10 }),
        async ({ manifest }, update, name) => {
          const old = update ? stored.get(manifest.metadata.name) : undefined;
          // The bases exist under their own names; a create uses a fresh one (sometimes a bad one).
          if (!update)
            manifest.metadata = { ...manifest.metadata, name: name ?? `${manifest.metadata.name}-new` };
          const theirs = await server(manifest, old);
          const ours = validateManifest(manifest, old ? { oldObject: old } : {});
          if (theirs.accepted) {
            accepted++;
            expect(ours.errors.map(formatFieldError)).toEqual([]);
            expect((ours.object as { spec: unknown }).spec).toEqual(theirs.spec);
            return;
          }
          rejected++;
          if (theirs.code === 400) {
            expect(
              ours.errors
                .filter((e) => e.type === 'FieldValueUnknown')
                .map((e) => e.field)
                .sort(),
            ).toEqual(theirs.unknownFields);
            expect(theirs.unknownFields.length).toBeGreaterThan(0);
          } else {
            expect(theirs.code).toBe(422);
            expect(ours.errors.map(formatFieldError).sort()).toEqual(theirs.causes);
          }
        },
      ),
      { numRuns: 400, seed, endOnFailure: true },
    );
    // The generator must exercise both outcomes to mean anything.
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(rejected).toBeGreaterThan(100);
  });
});
