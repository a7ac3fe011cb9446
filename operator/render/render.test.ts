import { describe, expect, it } from 'vitest';
import { validateRiskPolicyDocument, validateRuntimeConfig } from '../../crds/runtime-config/index.ts';
import { testBot, testPolicy, testSettings } from '../testing/fixtures.ts';
import { childId, renderChildren } from './children.ts';
import { renderConfigMap } from './config-map.ts';
import { renderDeployments } from './deployment.ts';
import { canonicalJson, contentHash } from './hash.ts';
import { annotationKeys, childNames, labelKeys } from './labels.ts';
import { renderNetworkPolicy } from './network-policy.ts';
import { renderRiskPolicyDocument, renderRuntimeConfig } from './runtime-config.ts';
import { endpointUrl, renderService } from './service.ts';

describe('hash', () => {
  it('ignores key order and changes with content', () => {
    expect(contentHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(contentHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
    expect(canonicalJson({ b: 1, a: undefined, c: null })).toBe('{"b":1,"c":null}');
  });
});

describe('runtime config', () => {
  it('renders a config the runtime contract accepts, with no secrets', () => {
    const bot = testBot('alpha', {
      mode: 'live',
      acknowledgeLiveTrading: true,
      riskPolicyRef: { name: 'conservative' },
      exchange: { name: 'binance', testnet: true, credentialsSecretRef: { name: 'binance-creds' } },
    });
    const config = renderRuntimeConfig(bot, testSettings);
    const result = validateRuntimeConfig(config);
    expect(result.errors).toEqual([]);
    expect(config.subjects).toEqual({
      control: 'botcore.trading.alpha.control',
      status: 'botcore.trading.alpha.status',
    });
    expect(config.riskPolicy).toEqual({ name: 'conservative' });
    expect(config.connections.nats.url).toBe(testSettings.natsUrl);
    expect(JSON.stringify(config)).not.toContain('binance-creds');
    expect(config.strategies.map((s) => s.name)).toEqual(['rsi-fast', 'trend']);
  });

  it('renders the policy document the contract accepts', () => {
    const doc = renderRiskPolicyDocument(testPolicy('conservative', { halt: true, haltReason: 'incident' }));
    expect(validateRiskPolicyDocument(doc).errors).toEqual([]);
    expect(doc).toMatchObject({ name: 'conservative', generation: 3, spec: { halt: true } });
    expect(renderRiskPolicyDocument(undefined)).toBeNull();
  });

  it('hashes only config.json: a policy change leaves the hash alone, a spec change moves it', () => {
    const bot = testBot();
    const config = renderRuntimeConfig(bot, testSettings);
    const a = renderConfigMap(bot, config, renderRiskPolicyDocument(testPolicy('p', {})));
    const b = renderConfigMap(bot, config, renderRiskPolicyDocument(testPolicy('p', { halt: true })));
    expect(a.configHash).toBe(b.configHash);
    expect(a.configMap.data?.['risk-policy.json']).not.toBe(b.configMap.data?.['risk-policy.json']);
    const changed = testBot('alpha', { timeframe: '5m' });
    expect(renderConfigMap(changed, renderRuntimeConfig(changed, testSettings), null).configHash).not.toBe(
      a.configHash,
    );
  });
});

describe('deployments', () => {
  const bot = testBot();
  const workloads = renderDeployments({ bot, settings: testSettings, configHash: 'abc' });

  it('makes one per role and strategy, with the role as an argument', () => {
    expect(workloads.map((w) => w.deployment.metadata?.name)).toEqual([
      'alpha-feed',
      'alpha-executor',
      'alpha-strategy-rsi-fast',
      'alpha-strategy-trend',
    ]);
    expect(workloads.map((w) => w.deployment.spec?.template.spec?.containers[0]?.args)).toEqual([
      ['runtime', '--role', 'feed'],
      ['runtime', '--role', 'executor'],
      ['runtime', '--role', 'strategy', '--strategy', 'rsi-fast'],
      ['runtime', '--role', 'strategy', '--strategy', 'trend'],
    ]);
  });

  it('runs pods under the restricted profile, with probes, resources and the config hash', () => {
    for (const { deployment } of workloads) {
      const pod = deployment.spec?.template.spec;
      const container = pod?.containers[0];
      expect(pod?.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container?.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container?.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(container?.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(container?.resources?.requests).toEqual({ cpu: '100m', memory: '256Mi' });
      expect(container?.resources?.limits).toEqual({ cpu: '100m', memory: '256Mi' });
      expect(deployment.spec?.template.metadata?.annotations?.[annotationKeys.configHash]).toBe('abc');
      expect(deployment.spec?.replicas).toBe(1);
      expect(deployment.metadata?.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'TradingBot', name: 'alpha', uid: 'uid-alpha', controller: true }),
      ]);
      // The selector must match the template, or the API server refuses the Deployment.
      const selector = deployment.spec?.selector.matchLabels ?? {};
      for (const [k, v] of Object.entries(selector))
        expect(deployment.spec?.template.metadata?.labels?.[k]).toBe(v);
    }
  });

  it('takes the image and resources from spec.runtime', () => {
    const custom = testBot('alpha', {
      runtime: { image: 'example/rt:1', resources: { cpu: '1', memory: '1Gi' } },
    });
    const [feed] = renderDeployments({ bot: custom, settings: testSettings, configHash: 'x' });
    expect(feed?.deployment.spec?.template.spec?.containers[0]?.image).toBe('example/rt:1');
    expect(feed?.deployment.spec?.template.spec?.containers[0]?.resources?.limits).toEqual({
      cpu: '1',
      memory: '1Gi',
    });
  });

  it('scales to zero when suspended', () => {
    const suspended = testBot('alpha', { suspend: true });
    for (const { deployment } of renderDeployments({
      bot: suspended,
      settings: testSettings,
      configHash: 'x',
    })) {
      expect(deployment.spec?.replicas).toBe(0);
    }
  });

  it('gives only the executor the credentials, from the Secret by reference', () => {
    const live = testBot('alpha', {
      exchange: { name: 'okx', testnet: true, credentialsSecretRef: { name: 'okx', passphraseKey: 'pass' } },
    });
    const byRole = renderDeployments({ bot: live, settings: testSettings, configHash: 'x' });
    const executor = byRole.find((w) => w.role === 'executor')?.deployment;
    const env = executor?.spec?.template.spec?.containers[0]?.env ?? [];
    expect(
      env
        .filter((e) => e.valueFrom)
        .map((e) => [e.name, e.valueFrom?.secretKeyRef?.name, e.valueFrom?.secretKeyRef?.key]),
    ).toEqual([
      ['BOTCORE_EXCHANGE_API_KEY', 'okx', 'apiKey'],
      ['BOTCORE_EXCHANGE_API_SECRET', 'okx', 'apiSecret'],
      ['BOTCORE_EXCHANGE_PASSPHRASE', 'okx', 'pass'],
      ['BOTCORE_STATUS_PUBLIC_KEYS', 'botcore-status-keys', 'keys'],
    ]);
    for (const w of byRole.filter((w) => w.role !== 'executor')) {
      expect(w.deployment.spec?.template.spec?.containers[0]?.env?.some((e) => e.valueFrom)).toBe(false);
    }
  });

  const statusKeyRefs = (bot: ReturnType<typeof testBot>, settings = testSettings) =>
    renderDeployments({ bot, settings, configHash: 'x' }).map((w) => [
      w.role,
      w.deployment.spec?.template.spec?.containers[0]?.env?.find(
        (e) => e.name === 'BOTCORE_STATUS_PUBLIC_KEYS',
      )?.valueFrom?.secretKeyRef,
    ]);

  it("gives the executor the status endpoint's public keys from the keys Secret, by reference", () => {
    expect(statusKeyRefs(testBot())).toEqual([
      ['feed', undefined],
      ['executor', { name: 'botcore-status-keys', key: 'keys' }],
      ['strategy', undefined],
      ['strategy', undefined],
    ]);
    // The operator setting names another Secret.
    expect(statusKeyRefs(testBot(), { ...testSettings, statusKeysSecret: 'desk-keys' })[1]).toEqual([
      'executor',
      { name: 'desk-keys', key: 'keys' },
    ]);
  });

  it("mounts an ONNX strategy's model ConfigMap into that strategy's pod only, where the runtime looks", () => {
    const bot = testBot('alpha', {
      strategies: [
        { name: 'rsi-fast', type: 'rsi', rsi: {} },
        {
          name: 'model',
          type: 'onnx',
          onnx: { model: { configMapRef: { name: 'direction-v2', key: 'net.onnx' } } },
        },
        { name: 'local', type: 'onnx', onnx: { model: { path: '/opt/models/m.onnx' } } },
      ],
    });
    const pods = renderDeployments({ bot, settings: testSettings, configHash: 'x' }).map((w) => ({
      name: w.deployment.metadata?.name,
      volumes: w.deployment.spec?.template.spec?.volumes?.filter((v) => v.name === 'model'),
      mounts: w.deployment.spec?.template.spec?.containers[0]?.volumeMounts?.filter(
        (m) => m.name === 'model',
      ),
    }));
    expect(pods.filter((p) => p.volumes?.length)).toEqual([
      {
        name: 'alpha-strategy-model',
        volumes: [
          {
            name: 'model',
            configMap: { name: 'direction-v2', items: [{ key: 'net.onnx', path: 'net.onnx' }] },
          },
        ],
        mounts: [{ name: 'model', mountPath: '/etc/botcore-models/direction-v2', readOnly: true }],
      },
    ]);
    expect(pods.every((p) => p.mounts?.length === p.volumes?.length)).toBe(true);
  });

  it('renders no status keys when the endpoint is off or takes no token', () => {
    const none = (bot: ReturnType<typeof testBot>) =>
      statusKeyRefs(bot).every(([, ref]) => ref === undefined);
    expect(none(testBot('alpha', { statusEndpoint: { enabled: false } }))).toBe(true);
    expect(none(testBot('alpha', { statusEndpoint: { auth: 'none' } }))).toBe(true);
  });
});

describe('service, network policy, children', () => {
  it('exposes the executor status port and names the endpoint', () => {
    const bot = testBot();
    const service = renderService(bot);
    expect(service?.spec?.selector).toEqual({ [labelKeys.bot]: 'alpha', [labelKeys.role]: 'executor' });
    expect(service?.spec?.ports?.[0]?.port).toBe(8080);
    expect(endpointUrl(bot)).toBe('http://alpha-status.trading.svc:8080/');
    const off = testBot('alpha', { statusEndpoint: { enabled: false } });
    expect(renderService(off)).toBeUndefined();
    expect(endpointUrl(off)).toBeUndefined();
  });

  it('allows ingress from the bot pods, the health port and the status port only', () => {
    const policy = renderNetworkPolicy(testBot(), 8081);
    expect(policy.spec?.podSelector).toEqual({ matchLabels: { [labelKeys.bot]: 'alpha' } });
    expect(policy.spec?.policyTypes).toEqual(['Ingress']);
    expect(policy.spec?.ingress?.map((r) => r.ports?.[0]?.port ?? 'bot-pods')).toEqual([
      'bot-pods',
      8081,
      8080,
    ]);
  });

  it('lists every child once, the ConfigMap before the workloads', () => {
    const children = renderChildren(testBot(), undefined, testSettings);
    const ids = [...children.supporting, ...children.workloads.map((w) => w.deployment)].map(childId);
    expect(ids).toEqual([
      `ServiceAccount/${childNames.serviceAccount('alpha')}`,
      'ConfigMap/alpha-config',
      'Service/alpha-status',
      'NetworkPolicy/alpha-runtime',
      'Deployment/alpha-feed',
      'Deployment/alpha-executor',
      'Deployment/alpha-strategy-rsi-fast',
      'Deployment/alpha-strategy-trend',
    ]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
