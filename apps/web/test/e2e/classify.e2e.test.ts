import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { preprocessImage } from '@headstart/core';
import {
  createImageDecoder,
  embedImages,
  openBundleModel,
  type OpenedBundleModel,
} from '@headstart/core/node';
import { launchChromium, openApp, screenshot, toBase64 } from './support/browser.ts';
import { expectCliAnswers } from './support/cli-answers.ts';
import { classifyFiles, drawOne, loadBundle, setTopK, type PageResult } from './support/page-actions.ts';
import { serveBuiltPage } from './support/server.ts';

const fixtures = inject('fixtures');
const TOLERANCE = 1e-4;

let browser: Browser;
let gpuBrowser: Browser;
let preloaded: Awaited<ReturnType<typeof serveBuiltPage>>;
let plain: Awaited<ReturnType<typeof serveBuiltPage>>;
let exported: Awaited<ReturnType<typeof serveBuiltPage>>;
let nodeModel: OpenedBundleModel;

beforeAll(async () => {
  [browser, gpuBrowser, preloaded, plain, exported] = await Promise.all([
    launchChromium(),
    launchChromium({ webgpu: true }),
    serveBuiltPage({ model: fixtures.digitBundle, home: fixtures.home }),
    serveBuiltPage(),
    serveBuiltPage({ model: fixtures.digitExported, home: fixtures.home }),
  ]);
  nodeModel = await openBundleModel({ dir: fixtures.digitExported, home: fixtures.home });
});

afterAll(async () => {
  await nodeModel?.dispose();
  await Promise.all([
    browser?.close(),
    gpuBrowser?.close(),
    preloaded?.close(),
    plain?.close(),
    exported?.close(),
  ]);
});

/** The page's answers for the digit images are the CLI's. */
function expectDigitAnswers(results: PageResult[]): void {
  expectCliAnswers(results, fixtures.cliDigitPredictions, fixtures.digitImages.length);
}

describe('Classify', () => {
  test("a preloaded CLI bundle gives the CLI's labels and probabilities, on WASM, saying why not WebGPU", async () => {
    const context = await browser.newContext();
    const { page, errors } = await openApp(context, preloaded.url);
    await expect.poll(() => page.getByTestId('model-id').textContent()).toMatch(/vgg16-micro-random-s42-b3/);
    expect(await page.getByTestId('backbone-runtime').textContent()).toMatch(
      /^WebGPU unavailable: no adapter — using WASM, \d+ threads?$/,
    );
    expect(await page.getByTestId('head-runtime').textContent()).toMatch(
      /^wasm \(SIMD, 1 thread: tf.js's threaded build is off/,
    );
    expect(await page.getByTestId('isolation').textContent()).toContain('cross-origin isolated');
    await setTopK(page, 4);
    expectDigitAnswers(await classifyFiles(page, fixtures.digitImages));
    expect(await page.getByTestId('classify-timing').textContent()).toMatch(/\d+ images in [\d.]+ ms/);
    await screenshot(page, 'classify');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('a preloaded backbone downloads with a progress indicator, is verified, and comes from the browser cache next time', async () => {
    const context = await browser.newContext();
    // Records every progress line the bundle card shows, from the first moment of each page.
    await context.addInitScript(() => {
      const seen: string[] = [];
      Object.assign(window, { progressSeen: seen });
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="bundle-progress-text"]')?.textContent;
        if (text && seen[seen.length - 1] !== text) seen.push(text);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    const seen = async (page: Page) =>
      page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    const first = await openApp(context, exported.url);
    expect(await first.page.getByTestId('model-backbone').textContent()).toContain(
      "from the bundle's backbone.onnx",
    );
    const lines = await seen(first.page);
    expect(
      lines.some((l) => /^Downloading backbone\.onnx: [\d.]+ kB of [\d.]+ kB$/.test(l)),
      lines.join(' | '),
    ).toBe(true);
    expect(lines).toContain("Verifying the backbone's sha256…");
    await first.page.close();
    const second = await openApp(context, exported.url);
    expect(await second.page.getByTestId('model-backbone').textContent()).toContain('from the browser cache');
    expect((await seen(second.page)).some((l) => l.startsWith('Downloading backbone.onnx'))).toBe(false);
    expect([...first.errors, ...second.errors]).toEqual([]);
    await context.close();
  });

  test('an exported bundle dropped as a folder, and as a zip, classifies the same', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openApp(context, `${plain.url}?device=wasm`);
    expect(await page.getByTestId('backbone-runtime').textContent()).toContain('WASM was chosen');
    await setTopK(page, 4);
    const folder = await loadBundle(page, { folder: fixtures.digitExported });
    expect(folder.error).toBeUndefined();
    expect(await page.getByTestId('model-backbone').textContent()).toContain(
      "from the bundle's backbone.onnx",
    );
    expectDigitAnswers(await classifyFiles(page, fixtures.digitImages));
    const zip = await loadBundle(page, { zip: fixtures.digitZip });
    expect(zip.error).toBeUndefined();
    // The same backbone (by sha256) now comes from the browser's store, not the zip.
    expect(await page.getByTestId('model-backbone').textContent()).toContain('from the browser cache');
    expectDigitAnswers(await classifyFiles(page, fixtures.digitImages));
    expect(errors).toEqual([]);
    await context.close();
  });

  for (const device of ['wasm', 'webgpu'] as const) {
    test(`${device}: the same image gives Node's tensor bit for bit, its features within 1e-4, and no tensor leaks`, async () => {
      const context = await (device === 'webgpu' ? gpuBrowser : browser).newContext();
      const { page, errors } = await openApp(context, `${plain.url}?device=${device}`);
      await loadBundle(page, { folder: fixtures.digitExported });
      expect(await page.getByTestId('model-provider').getAttribute('data-provider')).toBe(device);
      const images = [...fixtures.digitImages.slice(0, 3), fixtures.colours.red?.[0] as string];
      const decode = createImageDecoder();
      let worst = 0;
      for (const path of images) {
        const bytes = new Uint8Array(await readFile(path));
        const nodeTensor = preprocessImage({
          image: await decode(bytes, path),
          spec: nodeModel.manifest.preprocess,
        });
        const pageTensor = await page.evaluate(async (b64) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const { engine } = (
            window as unknown as {
              headstart: { engine: { preprocess(b: Uint8Array): Promise<Float32Array> } };
            }
          ).headstart;
          return Array.from(await engine.preprocess(bytes));
        }, toBase64(bytes));
        expect(
          Buffer.from(Float32Array.from(pageTensor).buffer).equals(Buffer.from(nodeTensor.buffer)),
          `${path} tensor`,
        ).toBe(true);
        const nodeFeatures = (
          await embedImages({ model: nodeModel, inputs: [{ id: path, content: { kind: 'encoded', bytes } }] })
        ).features;
        const pageFeatures = await page.evaluate(async (b64) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const { engine } = (
            window as unknown as {
              headstart: { engine: { embed(b: Uint8Array[]): Promise<{ features: Float32Array }> } };
            }
          ).headstart;
          return Array.from((await engine.embed([bytes])).features);
        }, toBase64(bytes));
        expect(pageFeatures).toHaveLength(nodeFeatures.length);
        const scale = Math.max(...Array.from(nodeFeatures, Math.abs), 1e-12);
        const diff = Math.max(...pageFeatures.map((v, i) => Math.abs(v - (nodeFeatures[i] as number))));
        worst = Math.max(worst, diff / scale);
      }
      console.log(`${device}: worst feature difference ${worst.toExponential(2)} of the largest feature`);
      expect(worst).toBeLessThanOrEqual(TOLERANCE);
      await setTopK(page, 4);
      expectDigitAnswers(await classifyFiles(page, fixtures.digitImages));
      // 100 predictions on WASM; 10 on SwiftShader's emulated GPU, where each takes a while (the head is the same).
      const leak = await page.evaluate(
        async ({ b64, count }) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          type Api = {
            memory(): Promise<{ numTensors: number; heldByModels: number }>;
            classify(i: unknown[], k: number): Promise<unknown>;
          };
          const { engine } = (window as unknown as { headstart: { engine: Api } }).headstart;
          const before = await engine.memory();
          for (let i = 0; i < count; i++)
            await engine.classify([{ id: `x${i}`, kind: 'file', blob: new Blob([bytes]) }], 2);
          return { before, after: await engine.memory() };
        },
        {
          b64: toBase64(new Uint8Array(await readFile(fixtures.digitImages[0] as string))),
          count: device === 'wasm' ? 100 : 10,
        },
      );
      expect(leak.after.numTensors).toBe(leak.before.numTensors);
      expect(leak.before.numTensors).toBe(leak.before.heldByModels);
      if (device === 'webgpu') await screenshot(page, 'classify-webgpu');
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  test('a digit bundle offers a canvas: a drawn digit is classified when the pen lifts', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openApp(context, preloaded.url);
    await drawOne(page);
    const label = await page.locator('[data-testid="result"][data-id="drawing"]').getAttribute('data-label');
    expect(['0', '1', '2', '3']).toContain(label);
    await screenshot(page, 'classify-digit');
    expect(errors).toEqual([]);
    await context.close();
  });
});
