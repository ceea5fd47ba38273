import os from 'node:os';

/** The machine a bench ran on. */
export interface MachineInfo {
  cpuModel: string;
  cpus: number;
  memoryGb: string;
  node: string;
  os: string;
  loadStart: string;
  loadEnd: string;
}

const load = (): string => (os.loadavg()[0] ?? 0).toFixed(2);

/** Describes this machine now; `finish` records the load at the end. */
export function describeMachine(): MachineInfo & { finish(): void } {
  const cpus = os.cpus();
  const info = {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    memoryGb: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadStart: load(),
    loadEnd: load(),
    finish() {
      info.loadEnd = load();
    },
  };
  return info;
}
