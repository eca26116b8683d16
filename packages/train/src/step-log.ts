import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Appends one JSON object per training step to a file, in batches (every 100 lines and at the
 * end), so logging costs no per-step file system call.
 */
export class StepLog {
  private lines: string[] = [];
  private ready: Promise<unknown>;

  constructor(private readonly path: string) {
    this.ready = mkdir(dirname(path), { recursive: true });
  }

  async add(record: Readonly<Record<string, unknown>>): Promise<void> {
    this.lines.push(
      JSON.stringify(record, (_key, value) =>
        typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
      ),
    );
    if (this.lines.length >= 100) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    await this.ready;
    await appendFile(this.path, text);
  }
}

/** Steps per second and the time left, over the last 50 steps. */
export class StepTimer {
  private readonly recent: number[] = [];

  /** Records a step that started at `start` (ms, `performance.now()`). */
  lap(start: number, stepsLeft: number): { stepsPerSecond: number; etaSeconds: number } {
    this.recent.push(performance.now() - start);
    if (this.recent.length > 50) this.recent.shift();
    const meanMs = this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
    return { stepsPerSecond: 1000 / meanMs, etaSeconds: (stepsLeft * meanMs) / 1000 };
  }
}
