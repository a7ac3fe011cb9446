export * from './checks.ts';
export { RollingReturns } from './correlation.ts';
export { type Denial, deny, formatDenial, RiskCode, type RiskRule, RULE_OF, type Verdict } from './denial.ts';
export {
  DEFAULT_RISK_POLICY,
  type DenialRecord,
  type OrderIntent,
  type RiskContext,
  RiskEngine,
  type RiskEngineOptions,
} from './engine.ts';
export { divDown, floorQuantity, type Sized, type SizingInput, sizePosition } from './sizing.ts';
export { type Restriction, type TradingState, TradingStateMachine } from './state.ts';
