// The operator/runtime contract: types, schemas, validators and NATS subjects.
export {
  riskPolicyDocumentSchema,
  roleSchema,
  runtimeConfigSchema,
  runtimeReportSchema,
} from './schema.ts';
export {
  type ControlReply,
  type ControlRequest,
  credentialEnv,
  parseStatusSubject,
  type RiskPolicyDocument,
  type RuntimeConfig,
  type RuntimeReport,
  type RuntimeRole,
  type RuntimeSubjects,
  runtimeArgs,
  runtimeConfigVersion,
  runtimeFiles,
  runtimeRoles,
  statusSubjectWildcard,
  subjectsFor,
} from './types.ts';
export {
  type ContractResult,
  describeContractErrors,
  validateRiskPolicyDocument,
  validateRuntimeConfig,
  validateRuntimeReport,
} from './validate.ts';
