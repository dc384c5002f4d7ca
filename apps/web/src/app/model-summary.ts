import type { ModelInfo } from '../shared/protocol.ts';
import { formatPercent, h } from './dom.ts';

/** What carries the model and what runs which part of it: a bundle's two runtimes, or one merged graph. */
function formatRow(model: ModelInfo): HTMLElement[] {
  const { merged } = model;
  const text = merged
    ? `merged ONNX graph: backbone and head in one model.onnx (sha256 ${merged.sha256.slice(0, 12)}…), run by ONNX Runtime Web alone`
    : 'bundle: ONNX backbone (ONNX Runtime Web), head in TensorFlow.js';
  return [
    h('dt', {}, 'format'),
    h('dd', { testid: 'model-format', 'data-format': merged ? 'merged' : 'bundle' }, text),
  ];
}

/** Where the backbone came from; a merged graph's is inside it, so the graph's own source is named. */
function backboneText(model: ModelInfo): string {
  const what = `${model.backboneId} (${model.backboneWeights})`;
  if (model.merged) return `${what}, inside the merged graph, from ${model.backboneSource}`;
  return `${what}, ${model.backboneSource.startsWith('rebuilt') ? '' : 'from '}${model.backboneSource}`;
}

/** A bundle's feature shape; for a merged graph, what goes in and what comes out of it. */
function featuresRow(model: ModelInfo): HTMLElement[] {
  const side = `${model.inputSize}×${model.inputSize}`;
  if (model.merged) {
    const { inputName, outputName } = model.merged;
    return [
      h('dt', {}, 'graph'),
      h(
        'dd',
        { testid: 'model-graph' },
        `${side} images in "${inputName}", ${model.labels.length} class probabilities out of "${outputName}" (${model.pooling} pooling, ${model.featureDim.toLocaleString('en-US')}-d features inside)`,
      ),
    ];
  }
  return [
    h('dt', {}, 'features'),
    h('dd', {}, `${side}, ${model.pooling}, ${model.featureDim.toLocaleString('en-US')}-d`),
  ];
}

/** The bundle card's description of the loaded model (or of there being none). */
export function modelSummary(model: ModelInfo | undefined): HTMLElement {
  if (!model) return h('p', { class: 'muted' }, 'No bundle loaded yet.');
  return h(
    'dl',
    { class: 'model-summary' },
    h('dt', {}, model.merged ? 'model' : 'bundle'),
    h('dd', { testid: 'model-id' }, model.id),
    ...formatRow(model),
    h('dt', {}, 'labels'),
    h('dd', { testid: 'model-labels' }, model.labels.join(', ')),
    h('dt', {}, 'backbone'),
    h('dd', { testid: 'model-backbone' }, backboneText(model)),
    ...featuresRow(model),
    h('dt', {}, 'runs on'),
    h('dd', { testid: 'model-provider', 'data-provider': model.executionProvider }, model.executionNote),
    model.merged && h('dt', {}, 'head'),
    model.merged &&
      h('dd', { testid: 'model-head' }, 'none in TensorFlow.js: the head is part of model.onnx'),
    model.validationAccuracy !== undefined && h('dt', {}, 'validation'),
    model.validationAccuracy !== undefined && h('dd', {}, formatPercent(model.validationAccuracy)),
    ...model.warnings.map((w) => h('dd', { class: 'warning' }, w)),
  );
}
