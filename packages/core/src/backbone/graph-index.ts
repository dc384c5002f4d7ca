import { int64ToNumber, intsAttribute, type OnnxGraph, type OnnxNode } from './onnx-model.ts';

/** Lookups over one graph's nodes and tensors. */
export interface GraphIndex {
  /** Nodes taking `tensor` as an input, in graph order. */
  consumers(tensor: string): OnnxNode[];
  /** The only consumer of `tensor`, or undefined when it has none or several. */
  singleConsumer(tensor: string): OnnxNode | undefined;
  producer(tensor: string): OnnxNode | undefined;
  /** True for initializers and for tensors computed from constants only (Constant nodes, folded chains). */
  isConstant(tensor: string): boolean;
  /** Dims of a constant tensor, following Identity, Cast and Transpose; undefined when not known. */
  constantDims(tensor: string): number[] | undefined;
  /** Total size of the constant inputs of `node` whose dims are known. */
  constantInputSize(node: OnnxNode): number;
  /** Nodes that depend, directly or not, on `tensor`, in graph order. */
  downstreamNodes(tensor: string): OnnxNode[];
}

/** Indexes `graph` for the walks of inspection and truncation. */
export function createGraphIndex(graph: OnnxGraph): GraphIndex {
  const nodes = graph.node ?? [];
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const consumersOf = new Map<string, OnnxNode[]>();
  const producers = new Map<string, OnnxNode>();
  for (const node of nodes) {
    for (const name of new Set(node.input ?? [])) {
      if (!name) continue;
      const list = consumersOf.get(name) ?? [];
      list.push(node);
      consumersOf.set(name, list);
    }
    for (const name of node.output ?? []) if (name) producers.set(name, node);
  }
  const constantMemo = new Map<string, boolean>();

  const isConstant = (tensor: string): boolean => {
    if (initializers.has(tensor)) return true;
    const cached = constantMemo.get(tensor);
    if (cached !== undefined) return cached;
    const node = producers.get(tensor);
    constantMemo.set(tensor, false);
    const inputs = (node?.input ?? []).filter(Boolean);
    const result =
      node !== undefined && (node.opType === 'Constant' || (inputs.length > 0 && inputs.every(isConstant)));
    constantMemo.set(tensor, result);
    return result;
  };

  const constantDims = (tensor: string): number[] | undefined => {
    const init = initializers.get(tensor);
    if (init) return (init.dims ?? []).map((d) => int64ToNumber(d));
    const node = producers.get(tensor);
    if (!node) return undefined;
    if (node.opType === 'Constant') {
      const value = (node.attribute ?? []).find((a) => a.name === 'value')?.t;
      return value ? (value.dims ?? []).map((d) => int64ToNumber(d)) : undefined;
    }
    const source = node.input?.[0];
    if (!source) return undefined;
    if (node.opType === 'Identity' || node.opType === 'Cast') return constantDims(source);
    if (node.opType === 'Transpose') {
      const dims = constantDims(source);
      const perm = intsAttribute(node, 'perm') ?? dims?.map((_, i) => dims.length - 1 - i);
      return dims && perm ? perm.map((p) => dims[p] ?? 0) : undefined;
    }
    return undefined;
  };

  return {
    consumers: (tensor) => consumersOf.get(tensor) ?? [],
    singleConsumer: (tensor) => {
      const list = consumersOf.get(tensor) ?? [];
      return list.length === 1 ? list[0] : undefined;
    },
    producer: (tensor) => producers.get(tensor),
    isConstant,
    constantDims,
    constantInputSize: (node) =>
      (node.input ?? [])
        .filter((name) => name && isConstant(name))
        .reduce((sum, name) => sum + (constantDims(name)?.reduce((a, b) => a * b, 1) ?? 0), 0),
    downstreamNodes: (tensor) => {
      const reached = new Set<OnnxNode>();
      const pending = [tensor];
      while (pending.length > 0) {
        for (const node of consumersOf.get(pending.pop()!) ?? []) {
          if (reached.has(node)) continue;
          reached.add(node);
          pending.push(...(node.output ?? []));
        }
      }
      return nodes.filter((n) => reached.has(n));
    },
  };
}
