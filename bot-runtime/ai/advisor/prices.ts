// What a request costs, from the token counts the API returns. The API does
// not say the price, so it comes from this table (US dollars per million
// tokens, the providers' published list prices as of 2026). A model that is
// not in the table is priced as the most expensive one here, so an unknown
// model can only make the budget stop early, never late.
import { type Decimal, dec } from '../../domain/index.ts';

interface Price {
  readonly input: string;
  readonly output: string;
}

const PER_MILLION: Readonly<Record<string, Price>> = {
  'gpt-4o-mini': { input: '0.15', output: '0.60' },
  'gpt-4o': { input: '2.50', output: '10.00' },
  'gpt-4.1-nano': { input: '0.10', output: '0.40' },
  'gpt-4.1-mini': { input: '0.40', output: '1.60' },
  'gpt-4.1': { input: '2.00', output: '8.00' },
  'o4-mini': { input: '1.10', output: '4.40' },
};

const MOST_EXPENSIVE: Price = Object.values(PER_MILLION).reduce((a, b) =>
  dec(b.output).gt(a.output) ? b : a,
);

/** The table's price of `model`: exact name first, then the longest name it starts with (dated versions). */
export function priceOf(model: string): Price & { readonly known: boolean } {
  const exact = PER_MILLION[model];
  if (exact) return { ...exact, known: true };
  const prefix = Object.keys(PER_MILLION)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? { ...PER_MILLION[prefix]!, known: true } : { ...MOST_EXPENSIVE, known: false };
}

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export function costOf(model: string, usage: TokenUsage): Decimal {
  const price = priceOf(model);
  return dec(price.input)
    .times(usage.inputTokens)
    .plus(dec(price.output).times(usage.outputTokens))
    .div(1_000_000);
}
