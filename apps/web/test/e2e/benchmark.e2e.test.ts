import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { extractFeatures } from '@headstart/core';
import { openFeatureBackbone } from '@headstart/core/node';
import type { BenchmarkResult, TrainBackboneChoice } from '../../src/shared/protocol.ts';
import { noiseSamples } from '../../src/worker/noise-samples.ts';
import { launchChromium, openApp } from './support/browser.ts';
import { RESULTS_DIR } from './support/paths.ts';
import { serveBuiltPage } from './support/server.ts';

/**
 * Extraction speed of VGG16 (random weights, seed 42) at 32×32 in the page — WASM, and WebGPU on whatever
 * adapter the browser has (SwiftShader here: its speed means little, its use is what is measured) — next to
 * onnxruntime-node on the same machine. Opt-in (HEADSTART_WEB_BENCH=1): it takes a few minutes.
 */
const enabled = process.env.HEADSTART_WEB_BENCH === '1';
const fixtures = inject('fixtures');
const INPUT = 32;
const CASES: { name: string; block?: number }[] = [
  { name: 'vgg16-b3', block: 3 },
  { name: 'vgg16', block: undefined },
];

let browser: Browser;
let gpuBrowser: Browser;
let server: Awaited<ReturnType<typeof serveBuiltPage>>;

beforeAll(async () => {
  if (!enabled) return;
  [browser, gpuBrowser, server] = await Promise.all([
    launchChromium(),
    launchChromium({ webgpu: true }),
    serveBuiltPage(),
  ]);
});

afterAll(async () => {
  await Promise.all([browser?.close(), gpuBrowser?.close(), server?.close()]);
});

async function nodeImagesPerSecond(
  block: number | undefined,
  images: number,
  batchSize: number,
): Promise<number> {
  const backbone = await openFeatureBackbone({
    ref: 'vgg16',
    weights: 'random',
    seed: 42,
    inputSize: INPUT,
    ...(block ? { block } : {}),
    home: fixtures.home,
  });
  try {
    const run = (count: number) =>
      extractFeatures({
        samples: noiseSamples({ count, size: INPUT }),
        decode: async () => {
          throw new Error('no decoding');
        },
        session: backbone.session,
        backbone: backbone.spec,
        preprocess: backbone.preprocess,
        pooling: 'flatten',
        batchSize,
        collect: false,
      });
    await run(batchSize);
    const started = performance.now();
    await run(images);
    return images / ((performance.now() - started) / 1000);
  } finally {
    await backbone.dispose();
  }
}

async function pageBenchmark(
  b: Browser,
  device: 'wasm' | 'webgpu',
  options: { images: number; batchSize: number; backbone: TrainBackboneChoice },
): Promise<BenchmarkResult> {
  const context = await b.newContext();
  const { page } = await openApp(context, `${server.url}?device=${device}`);
  const result = await page.evaluate(
    async (o) => {
      type Api = { benchmark(o: unknown): Promise<BenchmarkResult> };
      return (window as unknown as { headstart: { engine: Api } }).headstart.engine.benchmark(o);
    },
    { ...options, inputSize: INPUT },
  );
  await context.close();
  return result;
}

describe.runIf(enabled)('extraction speed', () => {
  test(
    'VGG16 random at 32×32: onnxruntime-node, the page on WASM, the page on WebGPU',
    { timeout: 600_000 },
    async () => {
      const rows: Record<string, unknown>[] = [];
      for (const c of CASES) {
        const backbone: TrainBackboneChoice = {
          kind: 'random',
          arch: 'vgg16',
          seed: 42,
          ...(c.block ? { block: c.block } : {}),
        };
        const node = await nodeImagesPerSecond(c.block, 512, 64);
        const wasm = await pageBenchmark(browser, 'wasm', { images: 512, batchSize: 64, backbone });
        // SwiftShader emulates the GPU on the CPU: a few batches say what there is to say.
        const gpu = await pageBenchmark(gpuBrowser, 'webgpu', {
          images: c.block ? 32 : 16,
          batchSize: 16,
          backbone,
        });
        rows.push({
          backbone: c.name,
          node: Math.round(node),
          wasm: Math.round(wasm.imagesPerSecond),
          wasmNote: wasm.note,
          webgpu: Math.round(gpu.imagesPerSecond * 10) / 10,
          webgpuNote: gpu.note,
        });
        expect(wasm.executionProvider).toBe('wasm');
        expect(gpu.executionProvider).toBe('webgpu');
      }
      console.table(rows);
      await mkdir(RESULTS_DIR, { recursive: true });
      await writeFile(
        join(RESULTS_DIR, 'benchmark.json'),
        `${JSON.stringify({ inputSize: INPUT, rows }, null, 2)}\n`,
      );
    },
  );
});
