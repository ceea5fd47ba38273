import type { KeyGate } from './key-gate.js';

/** An API answer that is not 2xx, with the contract's error code when the body has one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error body's `details` (e.g. INVALID_INPUT's `[{ path, message, code }]`). */
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** `409 INTERRUPT_NOT_PENDING: …`, for people. */
  describe(): string {
    return `${this.status} ${this.code}: ${this.message}`;
  }
}

/** The bridge's HTTP API as the console uses it. */
export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  /** A raw response (for SSE): 2xx only, errors thrown as ApiError. */
  open(path: string, init?: RequestInit): Promise<Response>;
}

/** Calls the bridge at `base`, asking the operator for a key whenever the API answers 401. */
export function createApi(base: string, keys: KeyGate, onReachable: (ok: boolean) => void): Api {
  const open = async (path: string, init: RequestInit = {}): Promise<Response> => {
    for (;;) {
      const key = keys.current();
      const headers = new Headers(init.headers);
      if (key) headers.set('Authorization', `Bearer ${key}`);
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, { ...init, headers });
      } catch (error) {
        if (!init.signal?.aborted) onReachable(false);
        throw error;
      }
      onReachable(true);
      if (res.status === 401) {
        // Another request may have brought a new key meanwhile: retry with it before asking.
        if (keys.current() === key) await keys.ask(key ? 'refused' : 'required');
        continue;
      }
      if (!res.ok) throw await toApiError(res);
      return res;
    }
  };
  const send = async (method: string, path: string, body: unknown) =>
    (
      await open(path, {
        method,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      })
    ).json();
  return {
    open,
    get: async (path) => (await open(path, { headers: { Accept: 'application/json' } })).json(),
    post: (path, body) => send('POST', path, body),
    put: (path, body) => send('PUT', path, body),
  };
}

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.code)
      return new ApiError(res.status, body.error.code, body.error.message ?? '', body.error.details);
  } catch {
    // Not a contract error body: report the status line and the text.
  }
  return new ApiError(res.status, `HTTP_${res.status}`, text.slice(0, 200) || res.statusText);
}
