import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** Loads a bundle through the folder or zip picker and waits until it is open (or its error shows). */
export async function loadBundle(
  page: Page,
  options: { folder?: string; zip?: string },
): Promise<{ id?: string; error?: string }> {
  const input = options.folder ? 'bundle-folder-input' : 'bundle-zip-input';
  const card = page.getByTestId('bundle-card');
  const before = Number(await card.getAttribute('data-attempts'));
  await page.getByTestId(input).setInputFiles((options.folder ?? options.zip) as string);
  await page.waitForFunction(
    (previous) =>
      Number(document.querySelector('[data-testid="bundle-card"]')?.getAttribute('data-attempts')) > previous,
    before,
    { timeout: 60_000 },
  );
  const error = page.getByTestId('bundle-error');
  if (await error.isVisible()) return { error: (await error.textContent()) ?? '' };
  return { id: (await page.getByTestId('model-id').textContent()) ?? '' };
}

/** One classified image as the page shows it: label, and each bar's exact probability. */
export interface PageResult {
  id: string;
  ok: boolean;
  label?: string;
  probabilities: Record<string, number>;
  error?: string;
  code?: string;
}

/** Chooses images in the Classify screen and reads every result card once they are all shown. */
export async function classifyFiles(page: Page, files: string[]): Promise<PageResult[]> {
  const stamp = await page.getByTestId('classify-timing').getAttribute('data-duration-ms');
  await page.getByTestId('image-input').setInputFiles(files);
  await page.waitForFunction(
    ({ count, previous }) => {
      const timing = document.querySelector('[data-testid="classify-timing"]');
      return (
        document.querySelectorAll('[data-testid="result"]').length === count &&
        timing?.getAttribute('data-duration-ms') !== previous
      );
    },
    { count: files.length, previous: stamp },
    { timeout: 60_000 },
  );
  return readResults(page);
}

export async function readResults(page: Page): Promise<PageResult[]> {
  return page.$$eval('[data-testid="result"]', (cards) =>
    cards.map((card) => {
      const probabilities: Record<string, number> = {};
      for (const bar of card.querySelectorAll('[data-testid="bar"]'))
        probabilities[bar.getAttribute('data-label') ?? ''] = Number(bar.getAttribute('data-probability'));
      const error = card.querySelector('[data-testid="result-error"]');
      return {
        id: card.getAttribute('data-id') ?? '',
        ok: card.getAttribute('data-ok') === 'true',
        ...(card.getAttribute('data-label') ? { label: card.getAttribute('data-label') as string } : {}),
        probabilities,
        ...(error ? { error: error.textContent ?? '', code: error.getAttribute('data-code') ?? '' } : {}),
      };
    }),
  );
}

/** Sets the top-k field. */
export async function setTopK(page: Page, k: number): Promise<void> {
  await page.getByTestId('top-k').fill(String(k));
}

export function expectClose(actual: number, expected: number, tolerance: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

/** Draws a "1" on the digit canvas (one stroke down the middle) and waits for its result card. */
export async function drawOne(page: Page): Promise<void> {
  const pad = page.getByTestId('digit-canvas');
  await expect.poll(() => pad.isVisible()).toBe(true);
  const box = await pad.boundingBox();
  if (!box) throw new Error('The canvas has no box.');
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let t = 0.15; t <= 0.85; t += 0.05)
    await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * t);
  await page.mouse.up();
  await page.waitForSelector('[data-testid="result"][data-id="drawing"]', { timeout: 30_000 });
}
