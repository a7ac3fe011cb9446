// `botcore validate <manifest>...`: the API server's verdict on TradingBot and
// RiskPolicy manifests, outside a cluster, from the same schema and CEL rules.
import { describeErrors, kindOf, loadManifests, validateManifest } from '../../crds/index.ts';

export interface ValidateCommandOptions {
  readonly json?: boolean;
}

interface Verdict {
  readonly file: string;
  readonly kind: string;
  readonly name: string;
  readonly valid: boolean;
  readonly message?: string;
}

export async function runValidate(
  files: readonly string[],
  options: ValidateCommandOptions,
): Promise<number> {
  const verdicts: Verdict[] = [];
  for (const file of files) {
    let documents: unknown[];
    try {
      documents = await loadManifests(file);
    } catch (error) {
      verdicts.push({
        file,
        kind: '',
        name: '',
        valid: false,
        message: `${file}: ${(error as Error).message}`,
      });
      continue;
    }
    for (const document of documents) {
      const kind = kindOf(document);
      // Other kinds in the same file (a Secret beside a live bot) are not ours to judge.
      if (!kind) continue;
      const name = String((document as { metadata?: { name?: unknown } }).metadata?.name ?? '');
      const result = validateManifest(document);
      verdicts.push(
        result.valid
          ? { file, kind: kind.kind, name, valid: true }
          : { file, kind: kind.kind, name, valid: false, message: describeErrors(document, result.errors) },
      );
    }
  }
  if (verdicts.length === 0) {
    console.error(`no TradingBot or RiskPolicy in ${files.join(', ')}`);
    return 1;
  }
  if (options.json) {
    console.log(JSON.stringify(verdicts, null, 2));
  } else {
    for (const v of verdicts) {
      if (v.valid) console.log(`${v.file}: ${v.kind} "${v.name}" is valid`);
      else console.error(v.message);
    }
  }
  return verdicts.every((v) => v.valid) ? 0 : 1;
}
