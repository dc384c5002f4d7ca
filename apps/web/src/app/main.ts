import type { BrowserDevice } from '@headstart/core/browser';
import type { RuntimeUrls } from '../shared/protocol.ts';
import { createClassifyScreen } from './classify-screen.ts';
import { createModelStore, type AppContext, type ScreenName } from './context.ts';
import { h } from './dom.ts';
import { errorMessage, startEngine, type Engine } from './engine-client.ts';
import { createStatusLine } from './status-line.ts';
import { createTrainScreen } from './train-screen.ts';
import './styles.css';

const DEVICES: readonly BrowserDevice[] = ['auto', 'webgpu', 'wasm'];

function chosenDevice(): BrowserDevice {
  const value = new URLSearchParams(location.search).get('device') ?? 'auto';
  return (DEVICES as readonly string[]).includes(value) ? (value as BrowserDevice) : 'auto';
}

/** Runtime files by absolute URL: the worker resolves relative URLs against its own script, not the page. */
function runtimeUrls(): RuntimeUrls {
  const at = (path: string) => new URL(path, document.baseURI).href;
  return {
    ortWasm: at('ort/ort-wasm-simd-threaded.jsep.wasm'),
    ortMjs: at('ort/ort-wasm-simd-threaded.jsep.mjs'),
    tfjsPrefix: at('tfjs/'),
  };
}

async function main(): Promise<void> {
  const root = document.getElementById('app') as HTMLElement;
  const device = chosenDevice();
  const engine: Engine = startEngine();
  const status = createStatusLine({ device });
  const models = createModelStore();
  const tabs = {
    classify: h('a', { href: '#classify', testid: 'tab-classify' }, 'Classify'),
    train: h('a', { href: '#train', testid: 'tab-train' }, 'Train'),
  };
  const ctx: AppContext = {
    engine,
    ...models,
    refreshStatus: async () => status.update(await engine.status()),
    show: (screen) => void (location.hash = screen),
  };
  const classify = createClassifyScreen(ctx);
  const train = createTrainScreen(ctx);
  const screens = { classify: classify.element, train: train.element };
  const route = () => {
    const name: ScreenName = location.hash === '#train' ? 'train' : 'classify';
    for (const [key, element] of Object.entries(screens)) element.hidden = key !== name;
    for (const [key, tab] of Object.entries(tabs)) tab.classList.toggle('active', key === name);
    document.body.dataset.screen = name;
  };
  window.addEventListener('hashchange', route);
  root.append(
    h('header', {}, h('h1', {}, 'Headstart'), h('nav', {}, tabs.classify, tabs.train), status.element),
    h('main', {}, classify.element, train.element),
  );
  route();
  const ready = (async () => {
    try {
      status.update(await engine.init({ urls: runtimeUrls(), device }));
    } catch (e) {
      status.fail(errorMessage(e));
      throw e;
    }
    await Promise.all([classify.loadPreloaded(), train.refreshCache()]);
    document.body.dataset.ready = 'true';
  })();
  // For tools and tests driving the page: the engine and the moment it is ready.
  Object.assign(window, { headstart: { engine, ready } });
  await ready;
}

void main();
