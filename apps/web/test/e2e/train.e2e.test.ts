import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { cliPredict } from './support/cli.ts';
import { createFeatureCache, createMemoryBlobStore, preprocessFor } from '@headstart/core';
import { embedImages, openBundleModel } from '@headstart/core/node';
import { launchChromium, openApp, screenshot, toBase64 } from './support/browser.ts';
import { classifyFiles, expectClose, setTopK } from './support/page-actions.ts';
import { serveBuiltPage } from './support/server.ts';
import { downloadBundle, fillClasses, setSettings, strayTensors, train } from './support/train-actions.ts';

const fixtures = inject('fixtures');
const MICRO = { backbone: 'vgg16-micro-b3', epochs: 10, batchSize: 8, head: 'mlp:32' };
/** sha256 of vgg16-random-s42-b3 as `headstart train` builds it (VGG16, random weights seed 42, cut after block 3). */
/** sha256 of vgg16-micro-random-s42-b3, the CLI's cut of the micro VGG16. */
const MICRO_B3_SHA256 = '0ed1f5e44e5d79a8aca966def55f8fc481ee5090ba4a3aeec87d6b2946bbdae7';
const CLI_DEFAULT_BACKBONE_SHA256 = '3be172fc370708f73096889e8791e4a658c17f43a2d1c0e84e0dc85defe2e1bc';

let browser: Browser;
let server: Awaited<ReturnType<typeof serveBuiltPage>>;
let downloads: string;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), serveBuiltPage()]);
  downloads = await mkdtemp(join(tmpdir(), 'headstart-web-downloads-'));
});

afterAll(async () => {
  await Promise.all([browser?.close(), server?.close()]);
  if (downloads) await rm(downloads, { recursive: true, force: true });
});

const colourImages = () => ({ red: fixtures.colours.red ?? [], blue: fixtures.colours.blue ?? [] });

describe('Train', () => {
  test('two classes train to full validation accuracy, leak no tensors, and download a bundle the CLI predicts with', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openApp(context, `${server.url}?device=wasm#train`);
    await fillClasses(page, colourImages());
    await setSettings(page, MICRO);
    const before = await strayTensors(page);
    expect((await train(page)).error).toBeUndefined();
    expect(await strayTensors(page)).toBe(before);
    expect(Number(await page.getByTestId('val-accuracy').getAttribute('data-accuracy'))).toBe(1);
    expect(await page.getByTestId('train-chart').getAttribute('data-epochs')).toBe('10');
    const diagonal = await page.$$eval('[data-testid="confusion-matrix"] td', (cells) =>
      cells
        .filter((c) => c.getAttribute('data-actual') === c.getAttribute('data-predicted'))
        .reduce((n, c) => n + Number(c.textContent), 0),
    );
    // 8 images a class, 30 % held out: 2 + 2 validation images, all on the diagonal.
    expect(diagonal).toBe(4);
    expect(await page.getByTestId('train-stats').getAttribute('data-extracted')).toBe('16');
    await screenshot(page, 'train');

    const bundle = await downloadBundle(page, downloads);
    const manifest = JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8'));
    expect(manifest.backbone).toMatchObject({
      id: 'vgg16-micro-random-s42-b3',
      file: 'cache:vgg16-micro-random-s42-b3',
      weights: 'random',
      seed: 42,
    });
    expect(manifest.versions['onnxruntime-web']).toBe('1.30.0');
    const tests = [...(fixtures.colourTest.red ?? []), ...(fixtures.colourTest.blue ?? [])];
    const cli = await cliPredict({ model: bundle, images: tests, topK: 2, home: fixtures.home });
    expect(cli.map((p) => p.label)).toEqual(['red', 'red', 'blue', 'blue']);

    // The same bundle, still in the page, classifies as the CLI does.
    await page.getByTestId('use-trained').click();
    await page.getByTestId('classify-screen').waitFor({ state: 'visible' });
    await setTopK(page, 2);
    const results = await classifyFiles(page, tests);
    for (const result of results) {
      const answer = cli.find((p) => basename(p.id) === result.id);
      expect(result.label).toBe(answer?.label);
      for (const t of answer?.top ?? [])
        expectClose(result.probabilities[t.label] as number, t.probability, 1e-4, `${result.id} ${t.label}`);
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  test('after a reload the features come from the IndexedDB cache', async () => {
    const context = await browser.newContext();
    const first = await openApp(context, `${server.url}?device=wasm#train`);
    await fillClasses(first.page, colourImages());
    await setSettings(first.page, MICRO);
    expect((await train(first.page)).error).toBeUndefined();
    expect(await first.page.getByTestId('train-stats').getAttribute('data-cache-hits')).toBe('0');
    await first.page.close();

    const { page, errors } = await openApp(context, `${server.url}?device=wasm#train`);
    expect(await page.getByTestId('cache-info').textContent()).toMatch(/Browser cache: 16 feature vectors/);
    await fillClasses(page, colourImages());
    await setSettings(page, MICRO);
    expect((await train(page)).error).toBeUndefined();
    expect(await page.getByTestId('train-stats').getAttribute('data-cache-hits')).toBe('16');
    expect(await page.getByTestId('train-stats').getAttribute('data-extracted')).toBe('0');
    expect(await page.getByTestId('extract-progress-text').textContent()).toContain('16 from the cache');
    await screenshot(page, 'train-cached');
    // The keys are the core's content-addressed ones: what the CLI's cache would name these images.
    const cache = createFeatureCache({
      store: createMemoryBlobStore(),
      context: {
        backboneSha256: MICRO_B3_SHA256,
        preprocess: preprocessFor('caffe', 32, 'nchw'),
        pooling: 'flatten',
      },
    });
    const expected = await Promise.all(
      Object.values(colourImages())
        .flat()
        .map(async (path) => cache.keyFor(new Uint8Array(await readFile(path)))),
    );
    const stored = await page.evaluate(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const open = indexedDB.open('headstart');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const keys = open.result.transaction('features').objectStore('features').getAllKeys();
            keys.onsuccess = () => resolve(keys.result.map(String));
            keys.onerror = () => reject(keys.error);
          };
        }),
    );
    expect(stored.sort()).toEqual(expected.sort());
    expect(errors).toEqual([]);
    await context.close();
  });

  test('stopping mid-training keeps the best head so far, and it still downloads', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openApp(context, `${server.url}?device=wasm#train`);
    await fillClasses(page, colourImages());
    // Far more epochs than any machine finishes before the click, so the stop always lands mid-run.
    await setSettings(page, { ...MICRO, epochs: 1_000_000 });
    await page.getByTestId('train-start').click();
    await page
      .getByTestId('epoch-line')
      .filter({ hasText: /epoch (3|4|5|6|7|8|9)\d*\/1000000/ })
      .waitFor({ timeout: 60_000 });
    await page.getByTestId('train-stop').click();
    await page.getByTestId('train-results').waitFor({ state: 'visible', timeout: 60_000 });
    expect(await page.getByTestId('train-results').locator('h2').textContent()).toBe(
      'Stopped: the best head so far',
    );
    // The chart holds every epoch that ran, however fast they came.
    const ran = /Stopped after (\d+) epochs/.exec(
      (await page.getByTestId('train-phase').textContent()) ?? '',
    );
    expect(ran).not.toBeNull();
    expect(await page.getByTestId('train-chart').getAttribute('data-epochs')).toBe(ran?.[1]);
    const bundle = await downloadBundle(page, await mkdtemp(join(downloads, 'stopped-')));
    const manifest = JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8'));
    expect(manifest.training.bestEpoch).toBeGreaterThanOrEqual(1);
    expect(manifest.training.bestEpoch).toBeLessThan(1_000_000);
    expect(errors).toEqual([]);
    await context.close();
  });

  test("the CLI's default backbone is rebuilt in the page byte for byte", async () => {
    const context = await browser.newContext();
    const { page, errors } = await openApp(context, `${server.url}?device=wasm#train`);
    await fillClasses(page, {
      red: fixtures.colours.red?.slice(0, 3) ?? [],
      blue: fixtures.colours.blue?.slice(0, 3) ?? [],
    });
    await setSettings(page, { backbone: 'vgg16-b3', epochs: 2, batchSize: 8, head: 'mlp:16' });
    expect((await train(page)).error).toBeUndefined();
    const bundle = await downloadBundle(page, await mkdtemp(join(downloads, 'default-')));
    const manifest = JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8'));
    expect(manifest.backbone).toMatchObject({
      id: 'vgg16-random-s42-b3',
      arch: 'vgg16-b3',
      sha256: CLI_DEFAULT_BACKBONE_SHA256,
    });
    expect(manifest.featureDim).toBe(4096);
    // Real-size features: the page's 4,096-d vectors against onnxruntime-node's on the same bundle.
    await page.getByTestId('use-trained').click();
    const image = fixtures.colourTest.blue?.[0] as string;
    const bytes = new Uint8Array(await readFile(image));
    const pageFeatures = await page.evaluate(async (b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const { engine } = (
        window as unknown as {
          headstart: { engine: { embed(b: Uint8Array[]): Promise<{ features: Float32Array }> } };
        }
      ).headstart;
      return Array.from((await engine.embed([data])).features);
    }, toBase64(bytes));
    const node = await openBundleModel({ dir: bundle, home: fixtures.home });
    try {
      const nodeFeatures = (
        await embedImages({ model: node, inputs: [{ id: image, content: { kind: 'encoded', bytes } }] })
      ).features;
      const scale = Math.max(...Array.from(nodeFeatures, Math.abs));
      const diff = Math.max(...pageFeatures.map((v, i) => Math.abs(v - (nodeFeatures[i] as number))));
      console.log(
        `vgg16-random-s42-b3 on WASM: worst feature difference ${(diff / scale).toExponential(2)} of the largest feature`,
      );
      expect(diff / scale).toBeLessThanOrEqual(1e-4);
    } finally {
      await node.dispose();
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});
