import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';

/** Names the first classes and chooses their images, waiting until each shows its count. */
export async function fillClasses(page: Page, classes: Record<string, string[]>): Promise<void> {
  const rows = page.getByTestId('class');
  const entries = Object.entries(classes);
  while ((await rows.count()) < entries.length) await page.getByTestId('add-class').click();
  for (const [i, [label, files]] of entries.entries()) {
    const row = rows.nth(i);
    await row.getByTestId('class-name').fill(label);
    await row.getByTestId('class-files').setInputFiles(files);
    await row
      .getByTestId('class-count')
      .filter({ hasText: `${files.length} image` })
      .waitFor({ timeout: 30_000 });
  }
}

/** Fills the settings fields given. */
export async function setSettings(
  page: Page,
  settings: { backbone?: string; epochs?: number; batchSize?: number; head?: string },
): Promise<void> {
  if (settings.backbone) await page.getByTestId('train-backbone').selectOption(settings.backbone);
  if (settings.epochs) await page.getByTestId('train-epochs').fill(String(settings.epochs));
  if (settings.batchSize) await page.getByTestId('train-batch-size').fill(String(settings.batchSize));
  if (settings.head) await page.getByTestId('train-head').fill(settings.head);
}

/** Clicks Train and waits for the results card (or the run's error). */
export async function train(page: Page): Promise<{ error?: string }> {
  await page.getByTestId('train-start').click();
  await page.waitForFunction(
    () => {
      const results = document.querySelector('[data-testid="train-results"]') as HTMLElement | null;
      const error = document.querySelector('[data-testid="train-error"]') as HTMLElement | null;
      const start = document.querySelector('[data-testid="train-start"]') as HTMLButtonElement | null;
      return start?.disabled === false && ((results && !results.hidden) || (error && !error.hidden));
    },
    undefined,
    { timeout: 120_000 },
  );
  const error = page.getByTestId('train-error');
  return (await error.isVisible()) ? { error: (await error.textContent()) ?? '' } : {};
}

/** Downloads the trained bundle and unzips it under `dir`; returns the bundle folder. */
export async function downloadBundle(page: Page, dir: string): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-bundle').click(),
  ]);
  const zip = join(dir, download.suggestedFilename());
  await download.saveAs(zip);
  const { readFile } = await import('node:fs/promises');
  const files = unzipSync(new Uint8Array(await readFile(zip)));
  let folder = '';
  for (const [path, bytes] of Object.entries(files)) {
    if (path.endsWith('/')) continue;
    const full = join(dir, path);
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, bytes);
    if (path.endsWith('/manifest.json') && path.split('/').length === 2)
      folder = join(dir, path.split('/')[0] as string);
  }
  if (!folder) throw new Error(`${zip} holds no bundle folder.`);
  return folder;
}

type MemoryApi = { memory(): Promise<{ numTensors: number; heldByModels: number }> };

/** Live tensors beyond those the loaded models hold on purpose. */
export function strayTensors(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const { engine } = (window as unknown as { headstart: { engine: MemoryApi } }).headstart;
    const m = await engine.memory();
    return m.numTensors - m.heldByModels;
  });
}
