// The probes. Public, so they say only whether the process is alive and
// ready and which dependency is not: never a dependency's detail.
import { Type } from 'typebox';
import { StringEnum } from './common.ts';

export const HealthzResponse = Type.Object(
  { status: Type.Literal('ok') },
  { additionalProperties: false, description: 'The process serves requests.' },
);

export const ReadyzResponse = Type.Object(
  {
    status: StringEnum(['ready', 'not ready']),
    checks: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          ok: Type.Boolean(),
          required: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'Whether the bot can answer the API, and its dependencies.' },
);
