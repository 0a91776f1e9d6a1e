// The wire format shared by every transport: request, response and event envelopes, and the typed
// error a malformed or failed request gets back instead of a crash.
import { z } from 'zod';

export const errorCodes = ['bad-request', 'not-found', 'conflict', 'unauthorized', 'internal'] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const apiErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  /** Where the input was wrong, e.g. `budget.seconds: must be positive`. */
  issues: z.array(z.string()).optional(),
});
export type ApiErrorPayload = z.infer<typeof apiErrorSchema>;

/** An error with a code the window can act on; it crosses transports as an ApiErrorPayload. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly issues: string[] | undefined;
  constructor(code: ErrorCode, message: string, issues?: string[]) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = issues;
  }
  toPayload(): ApiErrorPayload {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
  static fromPayload(payload: ApiErrorPayload): ApiError {
    return new ApiError(payload.code, payload.message, payload.issues);
  }
}

export const requestEnvelopeSchema = z
  .object({
    kind: z.literal('request'),
    id: z.number().int().nonnegative(),
    method: z.string().max(64),
    params: z.unknown(),
  })
  .strict();
export type RequestEnvelope = z.infer<typeof requestEnvelopeSchema>;

export type ResponseEnvelope =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: ApiErrorPayload };

export type EventEnvelope = { kind: 'event'; event: string; payload: unknown };

export const serverMessageSchema = z.union([
  z.object({ kind: z.literal('response'), id: z.number(), ok: z.literal(true), result: z.unknown() }),
  z.object({ kind: z.literal('response'), id: z.number(), ok: z.literal(false), error: apiErrorSchema }),
  z.object({ kind: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);

/** Human-readable lines for a zod error, each naming the path of the bad field. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(input)'}: ${issue.message}`);
}
