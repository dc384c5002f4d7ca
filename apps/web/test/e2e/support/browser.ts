import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, RESULTS_DIR, SHARED_SCREENS_DIR } from './paths.ts';

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's Chromium, headless. With `webgpu`, Chromium offers its SwiftShader (CPU-emulated) WebGPU
 * adapter: slow, but the same WebGPU code paths as on a real GPU.
 */
export function launchChromium(options: { webgpu?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...BASE_ARGS, ...(options.webgpu ? ['--enable-unsafe-webgpu'] : [])],
  });
}

/** A page of the app, ready (engine started, preloaded bundle opened), with its errors collected. */
export async function openApp(
  context: BrowserContext,
  url: string,
): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  return { page, errors };
}

/** Saves a full-page screenshot to test-results/, and a copy to the shared screens folder. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await mkdir(SHARED_SCREENS_DIR, { recursive: true }).catch(() => undefined);
  await copyFile(path, join(SHARED_SCREENS_DIR, `${name}.png`)).catch(() => undefined);
  return path;
}

/** Bytes as base64, to hand to page.evaluate. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
