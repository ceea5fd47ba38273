import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { BridgeError } from '../protocol/bridge-error.js';

/** A missing or wrong API key. */
export class UnauthorizedError extends BridgeError {
  constructor() {
    super('UNAUTHORIZED', 401, 'A valid API key is required: Authorization: Bearer <key>');
  }
}

/** Maps a presented key to its tenant, or null; every comparison takes the same time. */
export type KeyResolver = (key: string | undefined) => string | null;

/**
 * Parses `BRIDGE_API_KEYS` (`tenant:key,tenant:key`). Keys are compared as SHA-256 digests with
 * `timingSafeEqual`, against every configured key, so timing says nothing about which key or how
 * much of it matched; keys are never logged.
 */
export function createKeyResolver(spec: string): KeyResolver {
  const entries = spec
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf(':');
      if (at <= 0 || at === pair.length - 1)
        throw new Error('BRIDGE_API_KEYS: each entry must be tenant:key');
      return { tenant: pair.slice(0, at), digest: digest(pair.slice(at + 1)) };
    });
  if (entries.length === 0) throw new Error('BRIDGE_API_KEYS: no tenant:key pair');
  return (key) => {
    const presented = digest(key ?? '');
    let tenant: string | null = null;
    for (const entry of entries) if (timingSafeEqual(entry.digest, presented) && key) tenant = entry.tenant;
    return tenant;
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The bearer token of a request (header), or for WebSocket upgrades from browsers `?token=`. */
export function presentedKey(req: IncomingMessage, allowQueryToken: boolean): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  if (!allowQueryToken) return undefined;
  return new URL(req.url ?? '/', 'http://localhost').searchParams.get('token') ?? undefined;
}

/** Requires a valid key on every request it sees and records the caller's tenant. */
export function requireApiKey(resolve: KeyResolver): RequestHandler {
  return (req, res, next) => {
    const tenant = resolve(presentedKey(req, false));
    if (!tenant) {
      next(new UnauthorizedError());
      return;
    }
    res.locals.tenantId = tenant;
    next();
  };
}
