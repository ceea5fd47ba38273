import fastJsonPatch from 'fast-json-patch';
import { EventType, type BaseEvent, type JsonPatchOperation } from '@ag-ui/core';

/** Follows a run's state through `STATE_SNAPSHOT` and `STATE_DELTA` events. */
export interface StateTracker {
  apply(event: BaseEvent): void;
  current(): unknown;
  changed(): boolean;
}

/**
 * Keeps the run's state current. Patches are applied in place on a private copy, so the cost of an
 * event is the size of its patch, not of the state. A patch that does not apply is skipped, as
 * `@ag-ui/client` does, and reported through `onBadPatch`.
 */
export function createStateTracker(
  initial: unknown,
  onBadPatch: (error: unknown) => void = () => undefined,
): StateTracker {
  let state: unknown = structuredClone(initial ?? {});
  let changed = false;
  return {
    apply(event) {
      if (event.type === EventType.STATE_SNAPSHOT) {
        state = structuredClone((event as BaseEvent & { snapshot: unknown }).snapshot);
        changed = true;
      } else if (event.type === EventType.STATE_DELTA) {
        const delta = (event as BaseEvent & { delta: JsonPatchOperation[] }).delta;
        try {
          state = fastJsonPatch.applyPatch(state, delta, false, true).newDocument;
          changed = true;
        } catch (error) {
          onBadPatch(error);
        }
      }
    },
    current: () => state,
    changed: () => changed,
  };
}
