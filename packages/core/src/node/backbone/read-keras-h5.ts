import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import h5wasm from 'h5wasm/node';
import type { Dataset, Group } from 'h5wasm';
import type { KerasLayerWeights } from '../../backbone/keras-weights.ts';
import { HeadstartError } from '../../errors.ts';

type H5File = InstanceType<typeof h5wasm.File>;

const decoder = new TextDecoder();

/**
 * Strings from an attribute value as h5wasm returns it: a string, a byte string (Uint8Array), or arrays of
 * either (h5py writes Keras's name lists as fixed-length byte strings).
 */
export function h5StringList(value: unknown): string[] {
  const one = (v: unknown): string => {
    const text = v instanceof Uint8Array ? decoder.decode(v) : String(v);
    // Fixed-length HDF5 strings come NUL-padded.
    return text.replace(/\0+$/, '');
  };
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => (Array.isArray(v) ? h5StringList(v) : [one(v)]));
  return [one(value)];
}

function attributeStrings(entity: Group, name: string): string[] | undefined {
  const attr = entity.attrs[name];
  return attr ? h5StringList(attr.value) : undefined;
}

function isGroup(entity: unknown): entity is Group {
  return entity instanceof h5wasm.Group;
}

function isDataset(entity: unknown): entity is Dataset {
  return entity instanceof h5wasm.Dataset;
}

/** The dataset a `weight_names` entry refers to: a path relative to the layer group, or found below it. */
function findDataset(group: Group, weightName: string): Dataset | undefined {
  const direct = group.get(weightName);
  if (isDataset(direct)) return direct;
  const pending: Group[] = [group];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const key of current.keys()) {
      const child = current.get(key);
      const path = child && 'path' in child ? String(child.path) : '';
      if (isDataset(child) && (path.endsWith(`/${weightName}`) || key === weightName.split('/').pop()))
        return child;
      if (isGroup(child)) pending.push(child);
    }
  }
  return undefined;
}

function floatData(dataset: Dataset, label: string): { data: Float32Array; shape: number[] } {
  const value = dataset.value;
  let data: Float32Array;
  if (value instanceof Float32Array) data = value;
  else if (value instanceof Float64Array) data = Float32Array.from(value);
  else
    throw new HeadstartError(
      'BACKBONE_INVALID',
      `${label} is not a float array (dtype ${String(dataset.dtype)}).`,
    );
  return { data, shape: dataset.shape ?? [data.length] };
}

function readLayers(root: Group, path: string): KerasLayerWeights {
  const layers: KerasLayerWeights = new Map();
  const names = attributeStrings(root, 'layer_names') ?? root.keys();
  for (const layerName of names) {
    const group = root.get(layerName);
    if (!isGroup(group)) continue;
    const weightNames = attributeStrings(group, 'weight_names') ?? [];
    if (weightNames.length === 0) continue;
    const [kernelName, biasName] = weightNames;
    const label = (name: string) => `${path}: weight "${name}" of layer "${layerName}"`;
    const kernelSet = kernelName === undefined ? undefined : findDataset(group, kernelName);
    const biasSet = biasName === undefined ? undefined : findDataset(group, biasName);
    if (!kernelSet || !biasSet) {
      throw new HeadstartError(
        'BACKBONE_INVALID',
        `${path}: layer "${layerName}" lists weights ${weightNames.join(', ')} but ${kernelSet ? 'the bias' : 'the kernel'} is missing.`,
      );
    }
    const kernel = floatData(kernelSet, label(kernelName!));
    const bias = floatData(biasSet, label(biasName!));
    layers.set(layerName, { kernel: kernel.data, kernelShape: kernel.shape, bias: bias.data });
  }
  return layers;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * True when the file starts with the HDF5 signature (at 0 or after a user block of 512·2^k bytes). Checked
 * before opening because the HDF5 library writes its own diagnostics to stderr when a file is not HDF5.
 */
function hasHdf5Signature(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(8);
    for (const offset of [0, 512, 1024, 2048, 4096]) {
      if (readSync(fd, buffer, 0, 8, offset) < 8) return false;
      if (buffer.every((b, i) => b === HDF5_SIGNATURE[i])) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the conv weights of a Keras HDF5 weights file (such as Keras's published
 * `vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`, or a file written by `model.save_weights`): one group
 * per layer listed in the root's `layer_names`, each with a `weight_names` attribute giving its datasets,
 * kernel first, then bias; layers without weights (pools) are skipped. Whole-model files with a
 * `model_weights` group are read from that group.
 */
export async function readKerasH5(options: { path: string }): Promise<KerasLayerWeights> {
  const { path } = options;
  if (!existsSync(path)) throw new HeadstartError('PATH_NOT_FOUND', `No such file: ${path}.`);
  if (!hasHdf5Signature(path)) {
    throw new HeadstartError(
      'BACKBONE_INVALID',
      `${path} is not an HDF5 file; expected Keras weights (.h5).`,
    );
  }
  await h5wasm.ready;
  let file: H5File;
  try {
    file = new h5wasm.File(path, 'r');
  } catch (cause) {
    throw new HeadstartError('BACKBONE_INVALID', `${path} could not be opened as HDF5 (${String(cause)}).`, {
      cause,
    });
  }
  try {
    const nested = file.get('model_weights');
    const layers = readLayers(isGroup(nested) ? nested : file, path);
    if (layers.size === 0) {
      throw new HeadstartError(
        'BACKBONE_INVALID',
        `${path} holds no layer weights; expected a Keras weights file with weight_names attributes.`,
      );
    }
    return layers;
  } finally {
    file.close();
  }
}
