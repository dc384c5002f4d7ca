import { HeadstartError } from '../errors.ts';
import type { BackboneSpec } from './backbone-spec.ts';
import { inspectVggGraph } from './onnx-graph.ts';
import {
  decodeOnnxModel,
  encodeOnnxModel,
  floatValueInfo,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
} from './onnx-model.ts';
import { sha256Hex } from './sha256.ts';
import { isVggArchitectureId } from './vgg-architectures.ts';

/** Names read by the nodes of subgraphs (If/Loop bodies), which may refer to tensors of the outer graph. */
function subgraphInputs(node: OnnxNode): string[] {
  const graphs = (node.attribute ?? []).flatMap((a) => [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]);
  return graphs.flatMap((g: OnnxGraph) =>
    (g.node ?? []).flatMap((n) => [...(n.input ?? []), ...subgraphInputs(n)]),
  );
}

/**
 * Cuts `model` (in place) down to what `outputTensor` depends on and makes that tensor its only output,
 * named `outputName` (through an Identity when the names differ). Unreachable nodes, initializers, inputs
 * and value infos are dropped.
 */
export function truncateModel(
  model: OnnxModel,
  outputTensor: string,
  outputName = outputTensor,
  source = 'The ONNX graph',
): void {
  const graph = model.graph ?? {};
  const nodes = graph.node ?? [];
  const isInput = (graph.input ?? []).some((v) => v.name === outputTensor);
  if (!isInput && !nodes.some((n) => (n.output ?? []).includes(outputTensor))) {
    throw new HeadstartError('BACKBONE_INVALID', `${source} has no tensor "${outputTensor}" to cut at.`);
  }
  const needed = new Set([outputTensor]);
  const kept: OnnxNode[] = [];
  // Nodes are topologically sorted, so one backward pass finds every producer that is needed.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (!(node.output ?? []).some((name) => needed.has(name))) continue;
    kept.unshift(node);
    for (const name of [...(node.input ?? []), ...subgraphInputs(node)]) if (name) needed.add(name);
  }
  const known = [...(graph.output ?? []), ...(graph.valueInfo ?? []), ...(graph.input ?? [])];
  const outputType = known.find((v) => v.name === outputTensor)?.type ?? floatValueInfo(outputName).type;
  if (outputName !== outputTensor) {
    const taken = [...kept.flatMap((n) => n.output ?? []), ...(graph.input ?? []).map((v) => v.name)];
    if (taken.includes(outputName)) {
      throw new HeadstartError(
        'BACKBONE_INVALID',
        `${source} already has a tensor "${outputName}" before "${outputTensor}".`,
      );
    }
    kept.push({ name: outputName, opType: 'Identity', input: [outputTensor], output: [outputName] });
  }
  model.graph = {
    ...graph,
    node: kept,
    initializer: (graph.initializer ?? []).filter((t) => needed.has(t.name ?? '')),
    input: (graph.input ?? []).filter((v) => needed.has(v.name ?? '')),
    valueInfo: (graph.valueInfo ?? []).filter((v) => needed.has(v.name ?? '') && v.name !== outputTensor),
    output: [{ name: outputName, type: outputType }],
  };
}

/**
 * New model bytes whose only output is `outputTensor` (named `outputName`, default the tensor's own name),
 * without the nodes and initializers it does not depend on. Cuts a classifier off at the last max-pool,
 * or a conv base after one of its blocks.
 */
export function truncateGraph(options: {
  bytes: Uint8Array;
  outputTensor: string;
  outputName?: string;
  source?: string;
}): Uint8Array {
  const model = decodeOnnxModel(options.bytes, options.source);
  truncateModel(model, options.outputTensor, options.outputName, options.source);
  return encodeOnnxModel(model);
}

/**
 * The first `block` blocks of a backbone (1-based), as a graph whose output is that block's pooled tensor,
 * with its spec updated: id and arch suffixed `-b<block>`, blocks, outputName, outputChannels, downsample,
 * minInputSize, parameterCount and sha256. This is the frozen part when the later blocks are fine-tuned.
 */
export function sliceAfterBlock(options: { bytes: Uint8Array; spec: BackboneSpec; block: number }): {
  bytes: Uint8Array;
  spec: BackboneSpec;
} {
  const { spec, block } = options;
  const count = spec.blocks.length;
  const last = Number.isInteger(block) && block >= 1 && block <= count ? spec.blocks[block - 1] : undefined;
  if (!last) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Block ${block} is out of range for ${spec.id}; use 1 … ${count}.`,
    );
  }
  const bytes = truncateGraph({ bytes: options.bytes, outputTensor: last.output, source: spec.id });
  const { parameterCount } = inspectVggGraph({ bytes, source: spec.id });
  const slicedArch = `${spec.arch}-b${block}`;
  const downsample = Math.max(1, Math.round(spec.downsample / 2 ** (count - block)));
  return {
    bytes,
    spec: {
      ...spec,
      id: `${spec.id}-b${block}`,
      arch: isVggArchitectureId(slicedArch) ? slicedArch : spec.arch,
      blocks: spec.blocks.slice(0, block),
      outputName: last.output,
      outputChannels: last.channels,
      downsample,
      minInputSize: downsample,
      parameterCount,
      sha256: sha256Hex(bytes),
    },
  };
}
