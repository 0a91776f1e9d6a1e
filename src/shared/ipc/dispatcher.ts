// The one generic server-side proxy: takes any incoming message, validates it against the
// contract, calls the service, and always answers with a response envelope, never a throw.
import { ApiError, describeIssues, requestEnvelopeSchema, type ResponseEnvelope } from './envelope.ts';
import { requestContract, type RequestName, type TrainDeckService } from './contract.ts';

export type RequestDispatcher = (message: unknown) => Promise<ResponseEnvelope>;

export function createRequestDispatcher(service: TrainDeckService, onInternalError?: (error: unknown) => void): RequestDispatcher {
  return async (message) => {
    const envelope = requestEnvelopeSchema.safeParse(message);
    const id = typeof (message as { id?: unknown } | null)?.id === 'number' ? (message as { id: number }).id : -1;
    if (!envelope.success) {
      return failure(id, new ApiError('bad-request', 'Malformed request envelope', describeIssues(envelope.error)));
    }
    const { method, params } = envelope.data;
    if (!Object.hasOwn(requestContract, method)) {
      return failure(id, new ApiError('bad-request', `Unknown method "${method}"`));
    }
    const name = method as RequestName;
    const parsed = requestContract[name].input.safeParse(params);
    if (!parsed.success) {
      return failure(id, new ApiError('bad-request', `Invalid parameters for ${name}`, describeIssues(parsed.error)));
    }
    try {
      const handler = service[name] as (params: unknown) => Promise<unknown>;
      return { kind: 'response', id, ok: true, result: await handler.call(service, parsed.data) };
    } catch (error) {
      if (error instanceof ApiError) return failure(id, error);
      onInternalError?.(error);
      return failure(id, new ApiError('internal', error instanceof Error ? error.message : String(error)));
    }
  };
}

function failure(id: number, error: ApiError): ResponseEnvelope {
  return { kind: 'response', id, ok: false, error: error.toPayload() };
}
