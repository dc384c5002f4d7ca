import type { ClassifyInput, ClassifyResult, ModelInfo } from '../shared/protocol.ts';
import { createBundlePanel } from './bundle-panel.ts';
import { createDigitPad } from './components/digit-pad.ts';
import { probabilityBars } from './components/probability-bars.ts';
import type { AppContext } from './context.ts';
import { errorMessage } from './engine-client.ts';
import { filesFromInput, isClutter, makeDropZone, type PickedFile } from './file-drop.ts';
import { formatNumber, h, showError } from './dom.ts';

/** One image's answer: its bars, or the reason it could not be read (without a broken preview). */
function resultCard(result: ClassifyResult, preview: HTMLElement | undefined): HTMLElement {
  const name = h('div', { class: 'result-name' }, result.id);
  if (!result.ok) {
    return h(
      'div',
      { class: 'result failed', testid: 'result', 'data-id': result.id, 'data-ok': 'false' },
      h(
        'div',
        { class: 'result-body' },
        name,
        h(
          'p',
          { class: 'error', testid: 'result-error', 'data-code': result.error.code },
          result.error.message,
        ),
      ),
    );
  }
  return h(
    'div',
    {
      class: 'result',
      testid: 'result',
      'data-id': result.id,
      'data-ok': 'true',
      'data-label': result.label,
    },
    preview,
    h('div', { class: 'result-body' }, name, probabilityBars(result.top)),
  );
}

function thumbnail(file: File): HTMLElement {
  const url = URL.createObjectURL(file);
  const img = h('img', { class: 'thumb', alt: '', src: url });
  img.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
  img.addEventListener('error', () => URL.revokeObjectURL(url), { once: true });
  return img;
}

/** Screen 1: pick a bundle, then classify dropped or chosen images, or a digit drawn on a canvas. */
export function createClassifyScreen(ctx: AppContext) {
  const bundle = createBundlePanel(ctx);
  const results = h('div', { class: 'results', testid: 'results' });
  const timing = h('p', { class: 'timing', testid: 'classify-timing' });
  const error = h('p', { class: 'error', testid: 'classify-error', hidden: true, role: 'alert' });
  const topK = h('input', { type: 'number', min: 1, max: 20, value: 3, testid: 'top-k', class: 'small' });
  const input = h('input', {
    type: 'file',
    multiple: true,
    accept: 'image/*',
    hidden: true,
    testid: 'image-input',
  });

  const classify = async (inputs: ClassifyInput[], previews: Map<string, HTMLElement>) => {
    const model = ctx.model();
    showError(error, undefined);
    if (!model) return showError(error, 'Load a bundle first: drop a bundle folder or .zip above.');
    if (inputs.length === 0) return;
    timing.textContent = `Classifying ${inputs.length} image${inputs.length === 1 ? '' : 's'}…`;
    try {
      const k = Math.max(1, Math.min(Number(topK.value) || 3, model.labels.length));
      const started = performance.now();
      const response = await ctx.engine.classify(inputs, k);
      const roundTrip = performance.now() - started;
      results.replaceChildren(...response.results.map((r) => resultCard(r, previews.get(r.id))));
      const n = inputs.length;
      timing.textContent = `${n} image${n === 1 ? '' : 's'} in ${formatNumber(response.durationMs, 1)} ms (${formatNumber(response.durationMs / n, 1)} ms each; ${formatNumber(roundTrip, 1)} ms with the trip to the worker) on ${model.executionNote}`;
      timing.dataset.durationMs = String(response.durationMs);
    } catch (e) {
      timing.textContent = '';
      showError(error, errorMessage(e));
    }
  };

  const classifyFiles = (files: PickedFile[]) => {
    const usable = files.filter((f) => !isClutter(f.path));
    const previews = new Map(usable.map((f) => [f.path, thumbnail(f.file)]));
    void classify(
      usable.map((f) => ({ id: f.path, kind: 'file', blob: f.file })),
      previews,
    );
  };
  input.addEventListener('change', () => {
    classifyFiles(filesFromInput(input));
    input.value = '';
  });

  const pad = createDigitPad({ onDone: () => void classifyDrawing() });
  const classifyDrawing = () => {
    if (pad.isEmpty()) return showError(error, 'The canvas is empty; draw a digit first.');
    const { width, height, rgb } = pad.pixels();
    return classify([{ id: 'drawing', kind: 'drawing', width, height, rgb }], new Map());
  };
  const padCard = h(
    'div',
    { class: 'digit-pad', testid: 'digit-pad', hidden: true },
    h(
      'p',
      { class: 'muted' },
      'This bundle classifies digits: draw one (it is classified when you lift the pen).',
    ),
    pad.element,
    h(
      'div',
      {},
      h(
        'button',
        { type: 'button', onclick: () => void classifyDrawing(), testid: 'classify-drawing' },
        'Classify drawing',
      ),
      ' ',
      h('button', { type: 'button', onclick: () => pad.clear(), testid: 'clear-drawing' }, 'Clear'),
    ),
  );
  ctx.onModel((model: ModelInfo | undefined) => {
    padCard.hidden = !model?.digits;
    results.replaceChildren();
    timing.textContent = '';
  });

  const zone = h(
    'div',
    { class: 'dropzone', testid: 'image-drop' },
    'Drop images here, or ',
    h('button', { type: 'button', onclick: () => input.click() }, 'choose images'),
  );
  makeDropZone(zone, ({ files }) => classifyFiles(files));
  const images = h(
    'section',
    { class: 'card', testid: 'images-card' },
    h('h2', {}, 'Classify'),
    zone,
    input,
    h('label', { class: 'inline' }, 'top ', topK, ' labels'),
    padCard,
    error,
    timing,
    results,
  );
  const element = h('div', { class: 'screen', testid: 'classify-screen' }, bundle.element, images);
  return { element, loadPreloaded: bundle.loadPreloaded };
}
