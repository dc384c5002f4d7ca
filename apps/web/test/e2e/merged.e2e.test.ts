import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launchChromium, openApp, screenshot, toBase64 } from './support/browser.ts';
import { CLI_TOLERANCE, expectCliAnswers } from './support/cli-answers.ts';
import {
  classifyFiles,
  drawOne,
  expectClose,
  loadBundle,
  readResults,
  setTopK,
} from './support/page-actions.ts';
import { serveBuiltPage } from './support/server.ts';

const fixtures = inject('fixtures');

let browser: Browser;
let preloaded: Awaited<ReturnType<typeof serveBuiltPage>>;
let plain: Awaited<ReturnType<typeof serveBuiltPage>>;
let dir: string;
let tampered: string;

beforeAll(async () => {
  [browser, preloaded, plain] = await Promise.all([
    launchChromium(),
    serveBuiltPage({ model: fixtures.digitMerged }),
    serveBuiltPage(),
  ]);
  dir = await mkdtemp(join(tmpdir(), 'headstart-web-merged-'));
  tampered = join(dir, 'tampered-merged');
  await cp(fixtures.digitMerged, tampered, { recursive: true });
  const graph = await readFile(join(tampered, 'model.onnx'));
  graph[graph.length - 100] = (graph[graph.length - 100] as number) ^ 0xff;
  await writeFile(join(tampered, 'model.onnx'), graph);
});

afterAll(async () => {
  await Promise.all([browser?.close(), preloaded?.close(), plain?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The page's answers for the digit images are the CLI's `predict` on the bundle the graph came from. */
function expectDigitAnswers(results: Awaited<ReturnType<typeof classifyFiles>>): void {
  expectCliAnswers(results, fixtures.cliDigitPredictions, fixtures.digitImages.length);
}

/** The model card says merged graph, no tf.js head, and which execution provider runs it. */
async function expectMergedPanel(page: Page): Promise<void> {
  expect(await page.getByTestId('model-id').textContent()).toMatch(/vgg16-micro-random-s42-b3/);
  const format = page.getByTestId('model-format');
  expect(await format.getAttribute('data-format')).toBe('merged');
  expect(await format.textContent()).toMatch(
    /^merged ONNX graph: backbone and head in one model\.onnx \(sha256 [0-9a-f]{12}…\), run by ONNX Runtime Web alone$/,
  );
  expect(await page.getByTestId('model-head').textContent()).toBe(
    'none in TensorFlow.js: the head is part of model.onnx',
  );
  expect(await page.getByTestId('model-graph').textContent()).toMatch(
    /^32×32 images in "\w+", 4 class probabilities out of "\w+"/,
  );
  expect(await page.getByTestId('model-provider').getAttribute('data-provider')).toBe('wasm');
  expect(await page.getByTestId('model-provider').textContent()).toMatch(/WASM, \d+ threads?/);
}

/** What the engine worker answers a call with: its result, or its error's message. */
async function engineCall(page: Page, call: 'embed' | 'benchmark', b64: string): Promise<string> {
  return page.evaluate(
    async ({ call, b64 }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      type Api = {
        embed(images: Uint8Array[]): Promise<unknown>;
        benchmark(options: unknown): Promise<unknown>;
      };
      const { engine } = (window as unknown as { headstart: { engine: Api } }).headstart;
      try {
        await (call === 'embed'
          ? engine.embed([bytes])
          : engine.benchmark({ images: 2, batchSize: 2, inputSize: 32, backbone: { kind: 'loaded' } }));
        return 'no error';
      } catch (error) {
        return (error as Error).message;
      }
    },
    { call, b64 },
  );
}

describe('merged ONNX graph (export --format onnx)', () => {
  test("preloaded: the CLI's labels and probabilities, the drawn digit as the bundle sees it, no tensors held, and no training on it", async () => {
    const context = await browser.newContext();
    const { page, errors } = await openApp(context, preloaded.url);
    await expectMergedPanel(page);
    expect(await page.getByTestId('model-backbone').textContent()).toBe(
      "vgg16-micro-random-s42-b3 (random, seed 42), inside the merged graph, from the export's model.onnx",
    );
    await setTopK(page, 4);
    expectDigitAnswers(await classifyFiles(page, fixtures.digitImages));

    // No head in tf.js: classifying holds and leaks no tensors.
    const memory = await page.evaluate(async () => {
      type Api = { memory(): Promise<{ numTensors: number; heldByModels: number }> };
      return (window as unknown as { headstart: { engine: Api } }).headstart.engine.memory();
    });
    expect(memory).toEqual({ numTensors: 0, heldByModels: 0 });

    const image = toBase64(new Uint8Array(await readFile(fixtures.digitImages[0] as string)));
    expect(await engineCall(page, 'embed', image)).toMatch(
      /^INVALID_OPTION: .* is a merged ONNX graph that outputs class probabilities only/,
    );
    expect(await engineCall(page, 'benchmark', image)).toMatch(
      /^INVALID_OPTION: .* is a merged ONNX graph \(backbone and head in one model\.onnx\): it outputs class probabilities, not backbone features/,
    );

    await drawOne(page);
    const [merged] = await readResults(page);
    await screenshot(page, 'classify-merged');
    // The same drawing through the bundle it was exported from gives the same probabilities.
    expect((await loadBundle(page, { folder: fixtures.digitExported })).error).toBeUndefined();
    expect(await page.getByTestId('model-format').getAttribute('data-format')).toBe('bundle');
    await page.getByTestId('classify-drawing').click();
    await page.waitForSelector('[data-testid="result"][data-id="drawing"]', { timeout: 30_000 });
    const [bundle] = await readResults(page);
    expect(merged?.ok && bundle?.ok).toBe(true);
    expect(merged?.label).toBe(bundle?.label);
    for (const [label, p] of Object.entries(bundle?.probabilities ?? {}))
      expectClose(merged?.probabilities[label] as number, p, CLI_TOLERANCE, `drawing ${label}`);

    // Back on the merged graph, the Train screen says why its backbone is not offered.
    const again = await openApp(context, `${preloaded.url}#train`);
    expect(await again.page.getByTestId('model-backbone').textContent()).toContain('from the browser cache');
    const loaded = again.page.locator('[data-testid="train-backbone"] option[value="loaded"]');
    expect(await loaded.isDisabled()).toBe(true);
    expect(await loaded.textContent()).toContain(
      'is a merged ONNX graph, with no backbone features to train on',
    );
    expect(await again.page.getByTestId('train-loaded-note').textContent()).toMatch(
      /is a merged ONNX graph \(backbone and head in one model\.onnx\): it outputs class probabilities, not features, so a head cannot be trained on its backbone here\. To train on vgg16-micro-random-s42-b3, load the bundle it was exported from\.$/,
    );
    await screenshot(again.page, 'train-merged');
    expect([...errors, ...again.errors]).toEqual([]);
    await context.close();
  });

  test('dropped as a folder, and as a zip, it classifies as the CLI does', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openApp(context, `${plain.url}?device=wasm`);
    await setTopK(page, 4);
    const folder = await loadBundle(page, { folder: fixtures.digitMerged });
    expect(folder.error).toBeUndefined();
    await expectMergedPanel(page);
    expect(await page.getByTestId('model-provider').textContent()).toContain('WASM was chosen');
    expectDigitAnswers(await classifyFiles(page, fixtures.digitImages));
    const zip = await loadBundle(page, { zip: fixtures.digitMergedZip });
    expect(zip.error).toBeUndefined();
    await expectMergedPanel(page);
    // The same graph (by sha256) now comes from the browser's store, not the zip.
    expect(await page.getByTestId('model-backbone').textContent()).toContain('from the browser cache');
    expectDigitAnswers(await classifyFiles(page, fixtures.digitImages));
    expect(errors).toEqual([]);
    await context.close();
  });

  test('a changed model.onnx is refused next to the bundle card, and the page keeps working', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openApp(context, `${plain.url}?device=wasm`);
    expect((await loadBundle(page, { folder: tampered })).error).toMatch(
      /model\.onnx has sha256 [0-9a-f]{64}, but model\.json says [0-9a-f]{64}: the graph was changed or damaged\./,
    );
    expect((await loadBundle(page, { folder: fixtures.digitMerged })).error).toBeUndefined();
    await expectMergedPanel(page);
    expect(errors).toEqual([]);
    await context.close();
  });
});
