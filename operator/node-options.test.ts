import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { operatorNodeOptions } from './node-options.ts';

describe('operator V8 flags', () => {
  it('the Deployment runs the operator with the same NODE_OPTIONS the suites and the bench use', () => {
    const text = readFileSync(new URL('deploy/operator.yaml', import.meta.url), 'utf8');
    const deployment = parseAllDocuments(text)
      .map(
        (d) => d.toJSON() as { kind?: string; spec?: { template?: { spec?: { containers?: unknown[] } } } },
      )
      .find((d) => d.kind === 'Deployment');
    const containers = (deployment?.spec?.template?.spec?.containers ?? []) as Array<{
      name: string;
      env?: Array<{ name: string; value?: string }>;
    }>;
    const env = containers.find((c) => c.name === 'operator')?.env ?? [];
    expect(env.find((e) => e.name === 'NODE_OPTIONS')?.value?.split(' ')).toEqual([...operatorNodeOptions]);
  });
});
