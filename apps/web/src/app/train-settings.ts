import type { ModelInfo, TrainBackboneChoice, TrainRequest } from '../shared/protocol.ts';
import { h } from './dom.ts';

/** The quick preset's defaults, as `headstart train` uses them. */
const DEFAULTS = {
  inputSize: 32,
  pooling: 'flatten',
  head: 'mlp:256@0.2',
  epochs: 10,
  batchSize: 128,
  learningRate: 0.001,
  valSplit: 0.3,
  seed: 42,
} as const;

const BACKBONES: { value: string; label: string; choice: TrainBackboneChoice }[] = [
  {
    value: 'vgg16-b3',
    label: 'VGG16, random weights (seed 42), features after block 3 — as `headstart train` does by default',
    choice: { kind: 'random', arch: 'vgg16', seed: 42, block: 3 },
  },
  {
    value: 'vgg16',
    label: 'VGG16, random weights (seed 42), all five blocks',
    choice: { kind: 'random', arch: 'vgg16', seed: 42 },
  },
  {
    value: 'vgg16-micro-b3',
    label: 'VGG16-micro, random weights (seed 42), block 3 — tiny and fast, for trying things out',
    choice: { kind: 'random', arch: 'vgg16-micro', seed: 42, block: 3 },
  },
  {
    value: 'loaded',
    label: "The loaded bundle's backbone (load one on the Classify screen)",
    choice: { kind: 'loaded' },
  },
];

function field(label: string, control: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

/** The training settings form: backbone and the head's hyperparameters, defaulting to the quick preset. */
export function createTrainSettings() {
  const backbone = h(
    'select',
    { testid: 'train-backbone' },
    ...BACKBONES.map((b) => h('option', { value: b.value }, b.label)),
  );
  const inputSize = h('input', {
    type: 'number',
    min: 1,
    value: DEFAULTS.inputSize,
    testid: 'train-input-size',
    class: 'small',
  });
  const pooling = h(
    'select',
    { testid: 'train-pooling' },
    ...['flatten', 'avg', 'max'].map((p) => h('option', { value: p, selected: p === DEFAULTS.pooling }, p)),
  );
  const head = h('input', {
    type: 'text',
    value: DEFAULTS.head,
    testid: 'train-head',
    title: 'linear, mlp:256, mlp:512,256@0.3, tutorial or JSON',
  });
  const epochs = h('input', {
    type: 'number',
    min: 1,
    value: DEFAULTS.epochs,
    testid: 'train-epochs',
    class: 'small',
  });
  const batchSize = h('input', {
    type: 'number',
    min: 1,
    value: DEFAULTS.batchSize,
    testid: 'train-batch-size',
    class: 'small',
  });
  const learningRate = h('input', {
    type: 'number',
    step: 'any',
    min: 0,
    value: DEFAULTS.learningRate,
    testid: 'train-lr',
    class: 'small',
  });
  const valSplit = h('input', {
    type: 'number',
    step: 'any',
    min: 0.05,
    max: 0.95,
    value: DEFAULTS.valSplit,
    testid: 'train-val-split',
    class: 'small',
  });
  const seed = h('input', { type: 'number', value: DEFAULTS.seed, testid: 'train-seed', class: 'small' });
  const standardize = h('input', { type: 'checkbox', checked: true, testid: 'train-standardize' });
  const name = h('input', { type: 'text', value: 'my-classes', testid: 'train-name' });
  const loadedOption = backbone.querySelector('option[value="loaded"]') as HTMLOptionElement;
  loadedOption.disabled = true;
  const loadedNote = h('p', { class: 'muted', testid: 'train-loaded-note', hidden: true });
  const element = h(
    'section',
    { class: 'card', testid: 'train-settings' },
    h('h2', {}, 'Settings'),
    field('backbone', backbone),
    loadedNote,
    h(
      'div',
      { class: 'fields' },
      field('input size', inputSize),
      field('pooling', pooling),
      field('head', head),
      field('epochs', epochs),
      field('batch size', batchSize),
      field('learning rate', learningRate),
      field('validation share', valSplit),
      field('seed', seed),
      h('label', { class: 'field' }, h('span', {}, 'standardise features'), standardize),
      field('dataset name', name),
    ),
  );
  return {
    element,
    /**
     * Enables the "loaded bundle" backbone when a bundle is loaded, naming it. A merged export leaves it
     * off and says why: its graph ends in the head, so there are no backbone features to train on.
     */
    setLoaded(model: ModelInfo | undefined) {
      const usable = model !== undefined && !model.merged;
      loadedOption.disabled = !usable;
      loadedOption.textContent = !model
        ? (BACKBONES[3]?.label ?? '')
        : model.merged
          ? `Not the loaded model: ${model.id} is a merged ONNX graph, with no backbone features to train on`
          : `The loaded bundle's backbone: ${model.backboneId} (${model.backboneWeights})`;
      loadedNote.hidden = !model?.merged;
      loadedNote.textContent = model?.merged
        ? `The loaded model, ${model.id}, is a merged ONNX graph (backbone and head in one model.onnx): it outputs class probabilities, not features, so a head cannot be trained on its backbone here. To train on ${model.backboneId}, load the bundle it was exported from.`
        : '';
      if (!usable && backbone.value === 'loaded') backbone.value = 'vgg16-b3';
    },
    read(): Omit<TrainRequest, 'classes'> {
      const choice = BACKBONES.find((b) => b.value === backbone.value)?.choice ?? {
        kind: 'random',
        arch: 'vgg16',
        seed: 42,
        block: 3,
      };
      return {
        name: name.value.trim() || 'my-classes',
        backbone: choice,
        inputSize: Number(inputSize.value),
        pooling: pooling.value as TrainRequest['pooling'],
        head: head.value,
        epochs: Number(epochs.value),
        batchSize: Number(batchSize.value),
        learningRate: Number(learningRate.value),
        valSplit: Number(valSplit.value),
        seed: Number(seed.value),
        standardize: standardize.checked,
      };
    },
  };
}
