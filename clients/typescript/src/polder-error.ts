/** What Polder answers on failure: `{"error": {"code", "message", "details"}}` (docs/errors.md). */
interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

/**
 * A request Polder refused or failed: the HTTP status and the stable `code` of docs/errors.md
 * (`VALIDATION_FAILED`, `DATASTREAM_NOT_FOUND` …). For 400s, `details.field` names the parameter.
 */
export class PolderError extends Error {
  override readonly name = 'PolderError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Polder's x-request-id, to find the request in its logs. */
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** The field at fault of a 400 VALIDATION_FAILED, when Polder named one. */
  get field(): string | undefined {
    return typeof this.details.field === 'string' ? this.details.field : undefined;
  }

  static async fromResponse(res: Response): Promise<PolderError> {
    const text = await res.text().catch(() => '');
    const requestId = res.headers.get('x-request-id') ?? undefined;
    let body: ErrorBody | undefined;
    try {
      body = JSON.parse(text) as ErrorBody;
    } catch {
      // Not Polder's error shape (a proxy's HTML page, say): keep the start of it as the message.
    }
    const e = body?.error;
    if (e && typeof e.code === 'string') {
      const details = e.details && typeof e.details === 'object' ? (e.details as Record<string, unknown>) : {};
      return new PolderError(res.status, e.code, String(e.message ?? e.code), details, requestId);
    }
    const message = `${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`;
    return new PolderError(res.status, `HTTP_${res.status}`, message, {}, requestId);
  }
}
