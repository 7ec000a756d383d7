/**
 * Preload (node --import ./bench/mem-sampler.js …) that writes
 * process.memoryUsage() every 250 ms as JSON lines to $BENCH_MEM_LOG, so a
 * benchmark run can see when memory grows (planning pass vs sending) and in
 * which pool (JS heap, external strings/buffers). Does nothing without
 * BENCH_MEM_LOG; the timer is unref'd, so it never keeps the process alive.
 */
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_MEM_LOG;
if (file) {
  const sample = (final = false) => {
    const m = process.memoryUsage();
    const line = {
      at: Date.now(),
      rss: m.rss,
      heapTotal: m.heapTotal,
      heapUsed: m.heapUsed,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
    };
    if (final) line.final = true;
    appendFileSync(file, JSON.stringify(line) + '\n');
  };
  sample();
  setInterval(sample, 250).unref();
  process.on('exit', () => sample(true));
}
