import { createOrtSession } from '../packages/core/src/node/features/ort-session.ts';
import { median, repeat, type BenchRow } from './stats.ts';
import { vgg16 } from './vgg-model.ts';

/**
 * VGG16 at 224×224 through onnxruntime-node's CUDA provider, batch 32. Without `--device cuda`, or where
 * the provider cannot start (no GPU, no CUDA build installed), it returns one row saying why it skipped.
 */
export async function benchCuda(options: { requested: boolean; runs: number }): Promise<BenchRow> {
  const name = 'VGG16 224×224, batch 32, --device cuda';
  const skipped = (note: string): BenchRow => ({
    section: 'cuda',
    name,
    value: Number.NaN,
    unit: 'images/s',
    runs: 0,
    note,
  });
  if (!options.requested) return skipped('skipped: pass --device cuda on a machine with an NVIDIA GPU');
  let session;
  try {
    session = await createOrtSession({ model: vgg16().bytes, device: 'cuda' });
  } catch (error) {
    return skipped(`skipped: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const batch = 32;
    const size = 224;
    const input = new Float32Array(batch * 3 * size * size).fill(1);
    const once = async () => {
      const t0 = performance.now();
      await session.run(input, [batch, 3, size, size]);
      return (batch * 1000) / (performance.now() - t0);
    };
    await once();
    const samples = await repeat(options.runs, once);
    return { section: 'cuda', name, value: median(samples), unit: 'images/s', runs: samples.length, samples };
  } finally {
    await session.dispose();
  }
}
