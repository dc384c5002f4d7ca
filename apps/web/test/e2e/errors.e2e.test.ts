import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launchChromium, openApp, screenshot } from './support/browser.ts';
import { classifyFiles, loadBundle } from './support/page-actions.ts';
import { serveBuiltPage } from './support/server.ts';
import { fillClasses, setSettings, train } from './support/train-actions.ts';

const fixtures = inject('fixtures');

let browser: Browser;
let server: Awaited<ReturnType<typeof serveBuiltPage>>;
let dir: string;
const bad = { notes: '', corrupt: '', fakeZip: '', newer: '', tampered: '' };

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), serveBuiltPage()]);
  dir = await mkdtemp(join(tmpdir(), 'headstart-web-bad-'));
  bad.notes = join(dir, 'notes.txt');
  await writeFile(bad.notes, 'shopping: milk, eggs\n');
  const png = await readFile(fixtures.colours.red?.[0] as string);
  bad.corrupt = join(dir, 'corrupt.png');
  // A real PNG signature and header, then garbage where the image data should be.
  await writeFile(bad.corrupt, Buffer.concat([png.subarray(0, 40), Buffer.alloc(200, 0x5a)]));
  bad.fakeZip = join(dir, 'model.zip');
  await writeFile(bad.fakeZip, 'this is not a zip');
  bad.newer = join(dir, 'newer-bundle');
  await cp(fixtures.digitExported, bad.newer, { recursive: true });
  const manifest = JSON.parse(await readFile(join(bad.newer, 'manifest.json'), 'utf8'));
  await writeFile(join(bad.newer, 'manifest.json'), JSON.stringify({ ...manifest, schemaVersion: 2 }));
  bad.tampered = join(dir, 'tampered-bundle');
  await cp(fixtures.digitExported, bad.tampered, { recursive: true });
  const graph = await readFile(join(bad.tampered, 'backbone.onnx'));
  graph[graph.length - 100] = (graph[graph.length - 100] as number) ^ 0xff;
  await writeFile(join(bad.tampered, 'backbone.onnx'), graph);
});

afterAll(async () => {
  await Promise.all([browser?.close(), server?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bad input gets a message next to what caused it, and the page keeps working', () => {
  test('bundles: a changed backbone, a newer schema, not a bundle, not a zip', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openApp(context, `${server.url}?device=wasm`);
    const tampered = await loadBundle(page, { folder: bad.tampered });
    expect(tampered.error).toMatch(
      /trained on backbone vgg16-micro-random-s42-b3 \(sha256 [0-9a-f]{12}…\), but the bundle's backbone.onnx has sha256 [0-9a-f]{12}…; refusing/,
    );
    await screenshot(page, 'errors-bundle');
    expect((await loadBundle(page, { folder: bad.newer })).error).toContain(
      'bundle schema 2 is newer than this Headstart supports (1); upgrade Headstart.',
    );
    expect((await loadBundle(page, { folder: join(fixtures.root, 'colours', 'red') })).error).toMatch(
      /The folder "red" is not a model bundle: it has no manifest.json \(it holds "red\/red-0.png"/,
    );
    expect((await loadBundle(page, { zip: bad.fakeZip })).error).toBe(
      '"model.zip" is named .zip but is not a zip archive.',
    );
    const good = await loadBundle(page, { folder: fixtures.digitExported });
    expect(good.error).toBeUndefined();
    expect(await page.getByTestId('bundle-error').isVisible()).toBe(false);

    const results = await classifyFiles(page, [fixtures.digitImages[0] as string, bad.notes, bad.corrupt]);
    expect(results.map((r) => r.ok)).toEqual([true, false, false]);
    expect(results[1]).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      error: '"notes.txt" is not an image this page reads; use PNG, JPEG, WebP, GIF or AVIF.',
    });
    expect(results[2]).toMatchObject({
      code: 'IMAGE_DECODE_FAILED',
      error: 'Cannot decode image "corrupt.png": corrupt or truncated PNG data.',
    });
    await screenshot(page, 'errors-classify');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('training: files that are not images, a class with no images, one class only', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openApp(context, `${server.url}?device=wasm#train`);
    const red = fixtures.colours.red?.slice(0, 3) ?? [];
    const first = page.getByTestId('class').nth(0);
    await first.getByTestId('class-name').fill('red');
    await first.getByTestId('class-files').setInputFiles([...red, bad.notes, bad.corrupt]);
    await first.getByTestId('class-count').filter({ hasText: '3 images' }).waitFor();
    expect(await first.getByTestId('class-message').allTextContents()).toEqual([
      '"notes.txt" is not an image this page reads; use PNG, JPEG, WebP, GIF or AVIF.',
      'Cannot decode image "corrupt.png": corrupt or truncated PNG data.',
    ]);
    await page.getByTestId('class').nth(1).getByTestId('class-name').fill('blue');
    await setSettings(page, { backbone: 'vgg16-micro-b3', epochs: 3, batchSize: 8, head: 'mlp:16' });
    await page.getByTestId('train-start').click();
    const second = page.getByTestId('class').nth(1);
    expect(await second.getByTestId('class-error').textContent()).toBe(
      'Class "blue" has no images; drop at least 2 into it.',
    );
    await screenshot(page, 'errors-train');
    await second.getByTestId('class-remove').click();
    await page.getByTestId('train-start').click();
    expect(await page.getByTestId('classes-error').textContent()).toBe(
      'Only one class ("red"): a classifier needs at least 2; add another class.',
    );
    // And then it trains.
    await fillClasses(page, { red, blue: fixtures.colours.blue?.slice(0, 3) ?? [] });
    expect((await train(page)).error).toBeUndefined();
    expect(await page.getByTestId('classes-error').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });
});
