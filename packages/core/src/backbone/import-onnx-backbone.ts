import type { BackboneSpec, WeightsSource } from './backbone-spec.ts';
import { BACKBONE_OUTPUT_NAME } from './build-vgg-onnx.ts';
import { inspectVggGraph } from './onnx-graph.ts';
import { decodeOnnxModel, encodeOnnxModel, floatValueInfo } from './onnx-model.ts';
import type { NormalizationMode } from './preprocess-spec.ts';
import { sha256Hex } from './sha256.ts';
import { truncateModel } from './truncate-graph.ts';
import { matchVggArchitecture } from './vgg-architectures.ts';

export interface ImportOnnxBackboneOptions {
  bytes: Uint8Array;
  /** Id of the imported backbone (usually derived from the file name). */
  name: string;
  /** Preprocessing the weights were trained with; a graph does not say, so the caller must. */
  normalization: NormalizationMode;
  /** Defaults to `imagenet`. */
  weights?: WeightsSource;
  /** Names the file in error messages. */
  source?: string;
}

/**
 * Turns an exported VGG-style ONNX graph (torchvision, the ONNX Model Zoo, Keras through tf2onnx) into a
 * backbone: the graph is cut at its last MaxPool (dropping any classifier), that tensor becomes the output
 * `features` (NCHW), the input's batch and spatial dims become symbolic, and a spec is derived. Throws
 * BACKBONE_INVALID (from inspectVggGraph) for graphs that are not VGG-style conv bases.
 */
export function importOnnxBackbone(options: ImportOnnxBackboneOptions): {
  bytes: Uint8Array;
  spec: BackboneSpec;
} {
  const source = options.source ?? options.name;
  const model = decodeOnnxModel(options.bytes, source);
  const inspection = inspectVggGraph({ model, source });
  truncateModel(model, inspection.baseOutput, BACKBONE_OUTPUT_NAME, source);

  const graph = model.graph!;
  const last = inspection.blocks[inspection.blocks.length - 1]!;
  const inputDims = inspection.layout === 'nchw' ? ['N', 3, 'H', 'W'] : ['N', 'H', 'W', 3];
  // Fixed sizes of the original export (batch 1, 224×224) would pin the conv base to them, and stale
  // intermediate shapes would contradict other sizes; the base itself works at any size.
  graph.input = (graph.input ?? []).map((v) =>
    v.name === inspection.inputName ? floatValueInfo(v.name, inputDims) : v,
  );
  graph.valueInfo = [];
  graph.output = [floatValueInfo(BACKBONE_OUTPUT_NAME, ['N', last.channels, 'H_out', 'W_out'])];
  const bytes = encodeOnnxModel(model);

  const arch = matchVggArchitecture(
    inspection.blocks.map((b) => ({ convCount: b.convs.length, channels: b.channels })),
  );
  const spec: BackboneSpec = {
    id: options.name,
    arch: arch?.id ?? 'custom',
    inputName: inspection.inputName,
    layout: inspection.layout,
    normalization: options.normalization,
    blocks: inspection.blocks.map((b) => ({
      name: b.name,
      convs: b.convs.map((c) => c.name),
      channels: b.channels,
      output: b.output,
    })),
    outputName: BACKBONE_OUTPUT_NAME,
    outputChannels: last.channels,
    downsample: inspection.downsample,
    minInputSize: inspection.downsample,
    weights: options.weights ?? 'imagenet',
    parameterCount: inspection.parameterCount,
    sha256: sha256Hex(bytes),
  };
  return { bytes, spec };
}
