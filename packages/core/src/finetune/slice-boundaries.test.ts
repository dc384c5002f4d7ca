import { describe, expect, it } from 'vitest';
import { buildVggOnnx } from '../backbone/build-vgg-onnx.ts';
import { inspectVggGraph } from '../backbone/onnx-graph.ts';
import { decodeOnnxModel, encodeOnnxModel, floatValueInfo } from '../backbone/onnx-model.ts';
import { sliceAfterBlock } from '../backbone/truncate-graph.ts';
import { runOnnxGraph } from '../node/finetune/run-onnx-graph.ts';
import { createRandom } from '../random.ts';

const micro = buildVggOnnx({ arch: 'vgg16-micro', weights: { kind: 'random', seed: 4 } });
const random = createRandom(2);
const image = Float32Array.from({ length: 2 * 3 * 32 * 32 }, () => random.normal() * 40);
const feeds = { input: { data: image, dims: [2, 3, 32, 32] } };

/** The full graph with every block's pooled tensor as an extra output. */
function withBlockOutputs(): Uint8Array {
  const model = decodeOnnxModel(micro.bytes);
  for (const block of micro.spec.blocks) model.graph!.output!.push(floatValueInfo(block.output));
  return encodeOnnxModel(model);
}

describe('sliceAfterBlock at each block boundary', () => {
  it('gives the full graph’s intermediate output, with the shape and spec of that block', async () => {
    const full = await runOnnxGraph({ bytes: withBlockOutputs(), feeds });
    const channels = [4, 8, 16, 32, 32];
    for (let block = 1; block <= 5; block++) {
      const sliced = sliceAfterBlock({ bytes: micro.bytes, spec: micro.spec, block });
      const side = 32 / 2 ** block;
      expect(sliced.spec.outputName).toBe(`block${block}_pool`);
      expect(sliced.spec.outputChannels).toBe(channels[block - 1]);
      expect(sliced.spec.downsample).toBe(2 ** block);
      expect(inspectVggGraph({ bytes: sliced.bytes }).blocks).toHaveLength(block);
      const out = await runOnnxGraph({ bytes: sliced.bytes, feeds });
      expect(Object.keys(out)).toEqual([`block${block}_pool`]);
      const got = out[`block${block}_pool`]!;
      const expected = full[`block${block}_pool`]!;
      expect(got.dims).toEqual([2, channels[block - 1], side, side]);
      expect(expected.dims).toEqual(got.dims);
      expect(Array.from(got.data)).toEqual(Array.from(expected.data));
    }
    expect(Array.from(full[`block5_pool`]!.data)).toEqual(Array.from(full.features!.data));
  });
});
