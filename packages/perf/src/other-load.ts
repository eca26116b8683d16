import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** Linux reports /proc/stat in USER_HZ ticks, 100 per second on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

function busySeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1);
    const ticks = fields.slice(0, 8).map(Number);
    if (ticks.length < 5 || ticks.some((t) => !Number.isFinite(t))) return undefined;
    const idle = ticks[3]! + ticks[4]!;
    return (ticks.reduce((a, b) => a + b, 0) - idle) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Starts measuring how many cores other processes keep busy (machine busy time from /proc/stat
 * minus this process's CPU time, divided by wall time). `stop()` returns the average, or
 * `undefined` where /proc/stat is missing; `ownSeconds` adds CPU time spent elsewhere on our
 * behalf (a child process being measured). `loadAverage()` gives the 1-minute load average
 * (runnable processes): on a 2-core machine the other-load figure saturates at about one core
 * while this process uses the other, so the load average says how crowded the machine was.
 */
export function startLoadProbe(): {
  stop(ownSeconds?: number): number | undefined;
  loadAverage(): number;
} {
  const busy0 = busySeconds();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  return {
    stop(ownSeconds = 0) {
      const busy1 = busySeconds();
      const wall = (performance.now() - wall0) / 1000;
      if (busy0 === undefined || busy1 === undefined || wall <= 0) return undefined;
      const cpu = process.cpuUsage(cpu0);
      const own = (cpu.user + cpu.system) / 1e6 + ownSeconds;
      return Math.max(0, (busy1 - busy0 - own) / wall);
    },
    loadAverage: () => loadavg()[0] ?? Number.NaN,
  };
}
