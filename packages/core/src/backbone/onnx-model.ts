import onnxProto from 'onnx-proto';
import { HeadstartError } from '../errors.ts';

// onnx-proto is CommonJS: only its default export exists at runtime under ESM.
export const { onnx } = onnxProto;

export type OnnxModel = onnxProto.onnx.ModelProto;
export type OnnxGraph = onnxProto.onnx.IGraphProto;
export type OnnxNode = onnxProto.onnx.INodeProto;
export type OnnxTensor = onnxProto.onnx.ITensorProto;
export type OnnxValueInfo = onnxProto.onnx.IValueInfoProto;
export type OnnxAttribute = onnxProto.onnx.IAttributeProto;

/** ONNX element type of float32 tensors. */
export const ONNX_FLOAT = 1;

/** A protobuf int64 as decoded: a number, or a Long-like object when the `long` package is present. */
type Int64 = number | { toNumber(): number } | null | undefined;

/** Converts a decoded int64 to a number (all dims and attributes in VGG graphs fit). */
export function int64ToNumber(value: Int64): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

/**
 * Decodes ONNX model bytes. `source` names the file or model in the error when the bytes are not ONNX.
 */
export function decodeOnnxModel(bytes: Uint8Array, source = 'the model'): OnnxModel {
  let model: OnnxModel;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new HeadstartError('BACKBONE_INVALID', `${source} is not a valid ONNX model (${String(cause)}).`, {
      cause,
    });
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) {
    throw new HeadstartError(
      'BACKBONE_INVALID',
      `${source} is not a valid ONNX model: it has no graph nodes.`,
    );
  }
  return model;
}

/** Encodes a model to bytes. */
export function encodeOnnxModel(model: onnxProto.onnx.IModelProto): Uint8Array {
  const bytes = onnx.ModelProto.encode(model).finish();
  // protobufjs hands out a Node Buffer under Node; callers get the same plain Uint8Array everywhere.
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The static dims of a value's tensor type: a number per fixed dim, the dim_param (or undefined) otherwise. */
export function valueDims(value: OnnxValueInfo): (number | string | undefined)[] | undefined {
  const dims = value.type?.tensorType?.shape?.dim;
  if (!dims) return undefined;
  return dims.map((d) => {
    if (d.dimValue !== null && d.dimValue !== undefined && int64ToNumber(d.dimValue) > 0) {
      return int64ToNumber(d.dimValue);
    }
    return d.dimParam || undefined;
  });
}

/** A float tensor value info with the given dims (strings become symbolic dims). */
export function floatValueInfo(name: string, dims?: (number | string | undefined)[]): OnnxValueInfo {
  const shape = dims
    ? { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : d ? { dimParam: d } : {})) }
    : undefined;
  return { name, type: { tensorType: { elemType: ONNX_FLOAT, shape } } };
}

/** A float32 initializer stored as raw little-endian bytes. */
export function floatInitializer(name: string, dims: number[], data: Float32Array): OnnxTensor {
  return {
    name,
    dims,
    dataType: ONNX_FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** Reads an attribute's ints (or its single int as a one-element list), or undefined when absent. */
export function intsAttribute(node: OnnxNode, name: string): number[] | undefined {
  const attr = (node.attribute ?? []).find((a) => a.name === name);
  if (!attr) return undefined;
  if (attr.ints && attr.ints.length > 0) return attr.ints.map((v) => int64ToNumber(v));
  if (attr.i !== null && attr.i !== undefined) return [int64ToNumber(attr.i)];
  return [];
}

/** An INTS attribute. */
export function intsAttr(name: string, ints: number[]): OnnxAttribute {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints };
}

/** How a node is named in messages: its name when it has one, else its op and first output. */
export function describeNode(node: OnnxNode): string {
  return node.name
    ? `"${node.name}" (${node.opType})`
    : `${node.opType} producing "${node.output?.[0] ?? '?'}"`;
}
