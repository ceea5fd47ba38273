import { describe, expect, it } from 'vitest';
import { createSubscriberRegistry } from '../../../src/live/subscriber-registry.js';

describe('subscriber registry', () => {
  it('counts subscribers per thread and transport, and refuses a slot past the limit until one is released', () => {
    const registry = createSubscriberRegistry();
    const releases = Array.from({ length: 5 }, () => registry.acquire('t', 'ws', { limit: 5 }));
    expect(releases.every((r) => r !== null)).toBe(true);
    expect(registry.acquire('t', 'ws', { limit: 5 })).toBeNull();
    // The limit is per transport and per thread.
    expect(registry.acquire('t', 'sse')).not.toBeNull();
    expect(registry.acquire('other', 'ws', { limit: 5 })).not.toBeNull();
    expect(registry.counts('t')).toEqual({ sse: 1, ws: 5 });

    releases[0]!();
    releases[0]!();
    expect(registry.counts('t')).toEqual({ sse: 1, ws: 4 });
    expect(registry.acquire('t', 'ws', { limit: 5 })).not.toBeNull();
    expect(registry.counts('nobody')).toEqual({ sse: 0, ws: 0 });
  });

  it('closeAll ends every subscriber that registered a close', () => {
    const registry = createSubscriberRegistry();
    const closed: string[] = [];
    const release = registry.acquire('t', 'sse', { close: () => closed.push('a') });
    registry.acquire('u', 'ws', { close: () => closed.push('b') });
    registry.acquire('u', 'ws');
    release!();
    registry.closeAll();
    expect(closed).toEqual(['b']);
  });
});
