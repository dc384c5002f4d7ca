import type { BrowserDevice } from '@headstart/core/browser';
import type { RuntimeStatus } from '../shared/protocol.ts';
import { h, replace } from './dom.ts';

/** What the backbone will run on before any session is open, phrased as the session will say it. */
function expectedBackbone(status: RuntimeStatus): string {
  if (status.device === 'wasm') return `WASM, ${status.ortThreads} (WASM was chosen; WebGPU not tried)`;
  if (status.webgpu.available) return `WebGPU (${status.webgpu.adapter}) once a backbone is opened`;
  const fallback =
    status.device === 'webgpu'
      ? 'WebGPU was required, so backbones will fail to open'
      : `using WASM, ${status.ortThreads}`;
  return `WebGPU unavailable: ${status.webgpu.reason} — ${fallback}`;
}

/**
 * The line the page always shows: which execution provider runs the backbone and which tf.js backend runs
 * the head, each with why, and a choice of device (which reloads the page with `?device=`).
 */
export function createStatusLine(options: { device: BrowserDevice }) {
  const backbone = h('span', { testid: 'backbone-runtime' }, 'starting…');
  const head = h('span', { testid: 'head-runtime' }, 'starting…');
  const isolation = h('span', { testid: 'isolation' });
  const select = h(
    'select',
    {
      testid: 'device-select',
      title: 'Where the backbone runs',
      onchange: (event: Event) => {
        const url = new URL(location.href);
        url.searchParams.set('device', (event.target as HTMLSelectElement).value);
        location.href = url.href;
      },
    },
    ...(['auto', 'webgpu', 'wasm'] as const).map((d) =>
      h(
        'option',
        { value: d, selected: d === options.device },
        d === 'auto' ? 'auto (WebGPU if available)' : d === 'webgpu' ? 'WebGPU only' : 'WASM only',
      ),
    ),
  );
  const element = h(
    'div',
    { class: 'status-line', testid: 'runtime-status' },
    h('div', {}, h('strong', {}, 'Backbone · ONNX Runtime Web: '), backbone),
    h('div', {}, h('strong', {}, 'Head · TensorFlow.js: '), head),
    h('div', { class: 'status-extra' }, isolation, ' ', h('label', {}, 'device ', select)),
  );
  return {
    element,
    update(status: RuntimeStatus) {
      backbone.textContent = status.backbone?.note ?? expectedBackbone(status);
      backbone.dataset.provider = status.backbone?.executionProvider ?? '';
      head.textContent = status.tfjs.note;
      head.dataset.backend = status.tfjs.backend;
      replace(
        isolation,
        status.crossOriginIsolated
          ? 'cross-origin isolated (WASM threads on)'
          : 'not cross-origin isolated: WASM runs on 1 thread',
      );
    },
    fail(message: string) {
      backbone.textContent = `the engine failed to start: ${message}`;
      head.textContent = '—';
    },
  };
}
