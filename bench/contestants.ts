import { bridgeContestants, bridgeMemoryLogContestant } from './servers/bridge-server.js';
import { copilotKitContestant } from './servers/copilotkit-server.js';
import { expressContestant } from './servers/express-server.js';
import { floorContestant } from './servers/floor-server.js';
import type { Contestant } from './servers/server-under-test.js';

/** Every contestant, in the order the suite measures them (CopilotKit's only when installed). */
export const CONTESTANTS: readonly Contestant[] = [
  floorContestant,
  expressContestant,
  copilotKitContestant,
  ...bridgeContestants,
  bridgeMemoryLogContestant,
];

/** The contestant named `key` (a process of its own starts one by key: figure 5's host). */
export function contestantByKey(key: string): Contestant {
  const contestant = CONTESTANTS.find((c) => c.key === key);
  if (!contestant) throw new Error(`no contestant ${key}`);
  return contestant;
}
