// Errors of the Kubernetes provider: a code to branch on and a message a
// professor or operator can act on, made from the API server's Status.

/** What went wrong, in the provider's words. */
export type KubernetesProviderErrorCode =
  | 'QUOTA_EXCEEDED'
  | 'FORBIDDEN'
  | 'INVALID'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'IMAGE_PULL'
  | 'CRASHED'
  | 'FAILED'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'API';

/** An error of the Kubernetes provider. */
export class KubernetesProviderError extends Error {
  override readonly name = 'KubernetesProviderError';
  constructor(
    readonly code: KubernetesProviderErrorCode,
    message: string,
    /** HTTP status of the API answer, when one caused it. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The API server's Status, as far as the provider reads it. */
export interface ApiStatus {
  code: number;
  reason?: string;
  message?: string;
}

/** The HTTP status and Status body of an error thrown by @kubernetes/client-node, if it is one. */
export function apiStatusOf(err: unknown): ApiStatus | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown; body?: unknown };
  const code = typeof e.code === 'number' ? e.code : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (code === undefined) return undefined;
  let body: unknown = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = { message: body };
    }
  }
  const status = (body ?? {}) as { reason?: unknown; message?: unknown };
  return {
    code,
    reason: typeof status.reason === 'string' ? status.reason : undefined,
    message: typeof status.message === 'string' ? status.message : undefined,
  };
}

/** True when the API answered with this HTTP status. */
export function isStatus(err: unknown, code: number): boolean {
  return apiStatusOf(err)?.code === code;
}

/** Turn an API error into a provider error that says what was being done. */
export function toProviderError(err: unknown, doing: string): KubernetesProviderError {
  if (err instanceof KubernetesProviderError) return err;
  const status = apiStatusOf(err);
  if (!status) return new KubernetesProviderError('API', `${doing}: ${err instanceof Error ? err.message : String(err)}`);
  const message = status.message ?? status.reason ?? `HTTP ${status.code}`;
  switch (status.code) {
    case 403:
      if (/exceeded quota/i.test(message)) return new KubernetesProviderError('QUOTA_EXCEEDED', `quota exceeded: ${message}`, 403);
      return new KubernetesProviderError('FORBIDDEN', `${doing} is forbidden to the hub: ${message}`, 403);
    case 404:
      return new KubernetesProviderError('NOT_FOUND', `${doing}: ${message}`, 404);
    case 409:
      return new KubernetesProviderError('CONFLICT', `${doing}: ${message}`, 409);
    case 422:
      return new KubernetesProviderError('INVALID', `${doing} was refused as invalid: ${message}`, 422);
    default:
      return new KubernetesProviderError('API', `${doing}: ${message}`, status.code);
  }
}
