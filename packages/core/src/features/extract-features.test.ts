import { describe, expect, it } from 'vitest';
import { preprocessFor } from '../backbone/preprocess-spec.ts';
import type { BackboneSpec } from '../backbone/backbone-spec.ts';
import { createMemoryBlobStore } from '../cache/blob-store.ts';
import { createFeatureCache } from '../cache/feature-cache.ts';
import type { DatasetSample } from '../data/dataset.ts';
import { HeadstartError } from '../errors.ts';
import type { DecodeImage } from '../image/rgb-image.ts';
import type { BackboneSession } from './backbone-session.ts';
import { extractFeatures, type ExtractFeaturesOptions } from './extract-features.ts';

// A stand-in backbone: 2 output channels at 1/32 of a 32×32 input; each image's two values are the mean
// of its first tensor channel and the batch size it ran in, so tests can see batching.
const spec = { outputChannels: 2, downsample: 32, sha256: 'f'.repeat(64) } as BackboneSpec;
const preprocess = preprocessFor('torch', 32);

function fakeSession(calls: number[][]): BackboneSession {
  return {
    executionProvider: 'fake',
    async run(input, dims) {
      const n = dims[0] as number;
      calls.push([...dims]);
      const per = 3 * 32 * 32;
      const out = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < 32 * 32; j++) sum += input[i * per + j] as number;
        out[2 * i] = sum / (32 * 32);
        out[2 * i + 1] = n;
      }
      return { data: out, dims: [n, 2, 1, 1] };
    },
    async dispose() {},
  };
}

function grey(value: number): DatasetSample {
  return {
    id: `grey-${value}`,
    label: String(value % 2),
    read: async () => ({
      kind: 'pixels',
      image: { width: 4, height: 4, data: new Uint8Array(48).fill(value) },
    }),
  };
}

const broken: DatasetSample = {
  id: 'broken.png',
  label: '0',
  read: async () => ({ kind: 'encoded', bytes: new Uint8Array([1, 2]) }),
};
const decode: DecodeImage = async (_bytes, name) => {
  throw new HeadstartError('IMAGE_DECODE_FAILED', `Cannot decode image "${name}": truncated.`);
};

/** extractFeatures over the stand-in backbone, two images a batch unless `options` say otherwise. */
function extractInPairs(
  samples: DatasetSample[],
  session: BackboneSession,
  options: Partial<ExtractFeaturesOptions> = {},
) {
  return extractFeatures({
    samples,
    decode,
    session,
    backbone: spec,
    preprocess,
    pooling: 'flatten',
    batchSize: 2,
    ...options,
  });
}

describe('extractFeatures', () => {
  it('runs batches in sample order and pools per image', async () => {
    const calls: number[][] = [];
    const samples = [0, 51, 102, 153, 204].map(grey);
    const result = await extractInPairs(samples, fakeSession(calls));
    expect(calls.map((c) => c[0])).toEqual([2, 2, 1]);
    expect(result.dim).toBe(2);
    expect(result.kept).toEqual([0, 1, 2, 3, 4]);
    const firstChannel = [0, 1, 2, 3, 4].map((i) => result.features[2 * i] as number);
    const expected = [0, 51, 102, 153, 204].map((v) => (v / 255 - 0.485) / 0.229);
    firstChannel.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 4));
    expect(result.extracted).toBe(5);
    expect(result.cacheHits).toBe(0);
  });

  it('skips unreadable images with their reason unless strict', async () => {
    const samples = [grey(10), broken, grey(20)];
    const result = await extractFeatures({
      samples,
      decode,
      session: fakeSession([]),
      backbone: spec,
      preprocess,
      pooling: 'flatten',
    });
    expect(result.kept).toEqual([0, 2]);
    expect(result.features).toHaveLength(4);
    expect(result.skipped).toEqual([
      {
        id: 'broken.png',
        index: 1,
        code: 'IMAGE_DECODE_FAILED',
        reason: 'Cannot decode image "broken.png": truncated.',
      },
    ]);
    await expect(
      extractFeatures({
        samples,
        decode,
        session: fakeSession([]),
        backbone: spec,
        preprocess,
        pooling: 'flatten',
        strict: true,
      }),
    ).rejects.toThrow('broken.png');
  });

  it('extracts nothing the second time, and resumes what an interrupted run left', async () => {
    const store = createMemoryBlobStore();
    const cache = createFeatureCache({
      store,
      context: { backboneSha256: spec.sha256, preprocess, pooling: 'flatten' },
    });
    const samples = [1, 2, 3, 4, 5, 6].map(grey);
    const controller = new AbortController();
    const calls: number[][] = [];
    await expect(
      extractFeatures({
        samples,
        decode,
        session: fakeSession(calls),
        backbone: spec,
        preprocess,
        pooling: 'flatten',
        batchSize: 2,
        cache,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.done >= 2) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(store.size).toBeGreaterThanOrEqual(2);
    const resumed: number[][] = [];
    const second = await extractFeatures({
      samples,
      decode,
      session: fakeSession(resumed),
      backbone: spec,
      preprocess,
      pooling: 'flatten',
      batchSize: 2,
      cache,
    });
    expect(second.cacheHits + second.extracted).toBe(6);
    expect(second.cacheHits).toBeGreaterThanOrEqual(2);
    const third = await extractFeatures({
      samples,
      decode,
      session: fakeSession([]),
      backbone: spec,
      preprocess,
      pooling: 'flatten',
      batchSize: 2,
      cache,
    });
    expect(third.cacheHits).toBe(6);
    expect(third.extracted).toBe(0);
    expect([...third.features]).toEqual([...second.features]);
  });

  it('queues the next batch in the session while a run is going, two at most, and keeps sample order', async () => {
    const inner = fakeSession([]);
    let running = 0;
    let most = 0;
    let runs = 0;
    // Later runs finish first (the first waits longest), so any reordering would show in the results.
    const session: BackboneSession = {
      ...inner,
      async run(input, dims) {
        const delay = 20 - 4 * runs++;
        running++;
        most = Math.max(most, running);
        const out = await inner.run(input, dims);
        await new Promise((resolve) => setTimeout(resolve, Math.max(delay, 0)));
        running--;
        return out;
      },
    };
    const values = [0, 51, 102, 153, 204, 255, 17];
    const seen: number[][] = [];
    const result = await extractInPairs(values.map(grey), session, {
      onBatch: (indices) => void seen.push([...indices]),
    });
    expect(most).toBe(2);
    expect(runs).toBe(4);
    expect(seen).toEqual([[0, 1], [2, 3], [4, 5], [6]]);
    const firstChannel = values.map((_, i) => result.features[2 * i] as number);
    values.forEach((v, i) => expect(firstChannel[i]).toBeCloseTo((v / 255 - 0.485) / 0.229, 4));
  });

  it('rejects with the error of a failed run', async () => {
    const inner = fakeSession([]);
    let runs = 0;
    const session: BackboneSession = {
      ...inner,
      run(input, dims) {
        if (runs++ === 1) {
          return Promise.reject(new HeadstartError('INTERNAL', 'The backbone worker failed: out of memory'));
        }
        return inner.run(input, dims);
      },
    };
    await expect(extractInPairs([1, 2, 3, 4, 5, 6, 7, 8].map(grey), session)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'The backbone worker failed: out of memory',
    });
    expect(runs).toBeLessThanOrEqual(3);
  });

  it('refuses a batch size that is not a whole number', async () => {
    await expect(
      extractFeatures({
        samples: [grey(1)],
        decode,
        session: fakeSession([]),
        backbone: spec,
        preprocess,
        pooling: 'flatten',
        batchSize: 0,
      }),
    ).rejects.toThrow('Invalid batch size 0');
  });
});
