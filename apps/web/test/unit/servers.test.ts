import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, preview, type PreviewServer, type ViteDevServer } from 'vite';
import { buildVggOnnx, describeMergedModel, parseManifest, sha256Hex } from '@headstart/core';
import { saveBackbone } from '@headstart/core/node';
import { preloadBundle } from '../../src/server/preload-bundle.ts';
import { headstartRuntime } from '../../src/server/runtime-files.ts';

let root: string;
let dev: ViteDevServer;
let prev: PreviewServer;
let devUrl: string;
let previewUrl: string;

const manifest = {
  schemaVersion: 1,
  id: 'tiny',
  createdAt: '2024-05-01T12:00:00.000Z',
  backbone: {
    id: 'vgg16-micro-random-s42-b3',
    arch: 'vgg16-micro-b3',
    file: 'cache:vgg16-micro-random-s42-b3',
    sha256: 'a'.repeat(64),
    weights: 'random',
    seed: 42,
    parameterCount: 1,
  },
  preprocess: {
    inputSize: 32,
    resize: 'bilinear',
    channelOrder: 'bgr',
    layout: 'nchw',
    scale: 1,
    mean: [1, 2, 3],
    std: [1, 1, 1],
  },
  pooling: 'flatten',
  featureDim: 4,
  labels: ['a', 'b'],
  head: { spec: { kind: 'mlp', layers: [] }, standardized: false, files: { model: 'head/model.json' } },
  training: {
    epochs: 1,
    batchSize: 1,
    learningRate: 0.1,
    seed: 1,
    valSplit: 0.3,
    bestEpoch: 1,
    stoppedEarly: false,
  },
  data: { source: 'x', fingerprint: 'y', trainCount: 1, valCount: 1 },
  versions: {},
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'headstart-web-'));
  const bundle = join(root, 'bundle');
  await mkdir(join(bundle, 'head'), { recursive: true });
  await writeFile(join(bundle, 'manifest.json'), JSON.stringify(manifest));
  await writeFile(join(bundle, 'head', 'model.json'), '{"modelTopology":{}}');
  await writeFile(join(root, 'secret.txt'), 'not for the page');
  await mkdir(join(root, 'dist'));
  await writeFile(join(root, 'dist', 'index.html'), '<!doctype html><title>t</title>');
  const common = {
    configFile: false as const,
    root,
    logLevel: 'silent' as const,
    plugins: [headstartRuntime(), preloadBundle({ dir: bundle })],
  };
  dev = await createServer({ ...common, server: { host: '127.0.0.1', port: 0 } });
  await dev.listen();
  devUrl = dev.resolvedUrls?.local[0] ?? '';
  prev = await preview({
    ...common,
    build: { outDir: join(root, 'dist') },
    preview: { host: '127.0.0.1', port: 0 },
  });
  previewUrl = prev.resolvedUrls?.local[0] ?? '';
});

afterAll(async () => {
  await dev?.close();
  await new Promise<void>((resolve) => prev?.httpServer.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

describe('the dev and preview servers', () => {
  test('serve the WebAssembly runtimes with their MIME types, cross-origin isolated', async () => {
    const wasm = await fetch(`${devUrl}ort/ort-wasm-simd-threaded.jsep.wasm`, { method: 'HEAD' });
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(wasm.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(wasm.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    const glue = await fetch(`${devUrl}ort/ort-wasm-simd-threaded.jsep.mjs`);
    expect(glue.headers.get('content-type')).toBe('text/javascript');
    const tfjs = await fetch(`${devUrl}tfjs/tfjs-backend-wasm-simd.wasm`);
    expect(new Uint8Array(await tfjs.arrayBuffer()).subarray(0, 4)).toEqual(
      new Uint8Array([0, 0x61, 0x73, 0x6d]),
    );
    const page = await fetch(previewUrl);
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  });

  test('preload a bundle at /preloaded/, listing its files and refusing anything outside it', async () => {
    for (const base of [devUrl, previewUrl]) {
      const index = await fetch(`${base}preloaded/index.json`);
      expect(index.headers.get('content-type')).toBe('application/json');
      expect(await index.json()).toEqual({ id: 'tiny', files: ['manifest.json', 'head/model.json'] });
      expect(JSON.parse(await (await fetch(`${base}preloaded/manifest.json`)).text()).id).toBe('tiny');
      expect((await fetch(`${base}preloaded/metrics.json`)).status).toBe(404);
      expect((await fetch(`${base}preloaded/..%2Fsecret.txt`)).status).toBe(404);
    }
  });

  test('serve a bundle whose backbone lives in the Headstart model cache as backbone.onnx, verified', async () => {
    const home = join(root, 'home');
    const built = buildVggOnnx({
      arch: 'vgg11-micro',
      weights: { kind: 'random', seed: 3 },
      id: 'my-imagenet-net',
    });
    const spec = { ...built.spec, weights: 'imagenet' as const };
    await saveBackbone({ home, bytes: built.bytes, spec });
    const bundle = join(root, 'imagenet-bundle');
    await mkdir(bundle, { recursive: true });
    const backbone = {
      ...manifest.backbone,
      id: 'my-imagenet-net',
      arch: 'vgg11-micro',
      file: 'cache:my-imagenet-net',
      weights: 'imagenet',
      sha256: spec.sha256,
    };
    await writeFile(join(bundle, 'manifest.json'), JSON.stringify({ ...manifest, backbone }));
    const server = await createServer({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [preloadBundle({ dir: bundle, home })],
      server: { host: '127.0.0.1', port: 0 },
    });
    await server.listen();
    try {
      const base = server.resolvedUrls?.local[0] ?? '';
      expect((await (await fetch(`${base}preloaded/index.json`)).json()).files).toEqual([
        'manifest.json',
        'backbone.onnx',
        'backbone.json',
      ]);
      const graph = new Uint8Array(await (await fetch(`${base}preloaded/backbone.onnx`)).arrayBuffer());
      expect(graph).toEqual(built.bytes);
      expect(JSON.parse(await (await fetch(`${base}preloaded/backbone.json`)).text()).sha256).toBe(
        spec.sha256,
      );
    } finally {
      await server.close();
    }
  });

  test('preload a merged export (model.json beside model.onnx) as it is, and refuse a folder that is neither', async () => {
    const merged = join(root, 'merged');
    await mkdir(merged, { recursive: true });
    const graph = new Uint8Array([1, 2, 3, 4, 5]);
    const description = describeMergedModel({
      manifest: parseManifest(manifest),
      inputName: 'input',
      outputName: 'probabilities',
      numClasses: 2,
      sha256: sha256Hex(graph),
    });
    await writeFile(join(merged, 'model.onnx'), graph);
    await writeFile(join(merged, 'model.json'), JSON.stringify(description));
    const server = await createServer({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [preloadBundle({ dir: merged })],
      server: { host: '127.0.0.1', port: 0 },
    });
    await server.listen();
    try {
      const base = server.resolvedUrls?.local[0] ?? '';
      const index = await (await fetch(`${base}preloaded/index.json`)).json();
      expect(index.id).toBe('tiny');
      expect([...index.files].sort()).toEqual(['model.json', 'model.onnx']);
      expect(new Uint8Array(await (await fetch(`${base}preloaded/model.onnx`)).arrayBuffer())).toEqual(graph);
      expect((await fetch(`${base}preloaded/manifest.json`)).status).toBe(404);
    } finally {
      await server.close();
    }
    const empty = join(root, 'empty');
    await mkdir(empty, { recursive: true });
    expect(() => preloadBundle({ dir: empty })).toThrow(
      /is not a model bundle \(no manifest.json\) nor a merged export \(no model.json beside model.onnx\)/,
    );
  });
});
