import * as tf from '@tensorflow/tfjs-core';
import { instantiateAdam, type AdamStepFunction } from './adam-wasm-module.ts';

/** Name of the kernel that applies one Adam step to one variable on the WASM backend. */
export const FUSED_ADAM_KERNEL = 'HeadstartFusedAdam';
const BACKEND = 'wasm';

interface WasmBackendInternals {
  wasm: { asm?: { memory?: WebAssembly.Memory } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

/** The fields of tf.js' AdamOptimizer that the fused step reads and updates. */
interface AdamInternals {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
}

interface FusedAdamAttrs {
  b1: number;
  c1: number;
  b2: number;
  c2: number;
  d1: number;
  d2: number;
  eps: number;
  negLr: number;
}

/** The instantiated step per backend instance (each has its own heap), or null where it cannot run. */
const steps = new WeakMap<object, AdamStepFunction | null>();

function stepFor(backend: object): AdamStepFunction | null {
  let step = steps.get(backend);
  if (step === undefined) {
    const memory = (backend as WasmBackendInternals).wasm?.asm?.memory;
    step = (memory instanceof WebAssembly.Memory && instantiateAdam(memory)) || null;
    steps.set(backend, step);
  }
  return step;
}

const fusedAdamKernel: tf.KernelConfig = {
  kernelName: FUSED_ADAM_KERNEL,
  backendName: BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { value, m, v, gradient } = inputs as Record<'value' | 'm' | 'v' | 'gradient', tf.TensorInfo>;
    const { b1, c1, b2, c2, d1, d2, eps, negLr } = attrs as unknown as FusedAdamAttrs;
    const wasm = backend as unknown as WasmBackendInternals;
    const step = stepFor(backend);
    if (!step) throw new Error('The fused Adam step needs WebAssembly SIMD and the backend heap.');
    const outputs = [value, m, v].map(() => wasm.makeOutput([...value.shape], 'float32'));
    const offset = (info: tf.TensorInfo) => wasm.dataIdMap.get(info.dataId)?.memoryOffset ?? -1;
    const [outW, outM, outV] = outputs.map(offset) as [number, number, number];
    const n = tf.util.sizeFromShape(value.shape);
    step(
      offset(value),
      offset(m),
      offset(v),
      offset(gradient),
      outW,
      outM,
      outV,
      n,
      b1,
      c1,
      b2,
      c2,
      d1,
      d2,
      eps,
      negLr,
    );
    return outputs;
  },
};

let enabled = true;

/**
 * Turns the fused step on or off for every FusedAdamOptimizer (on by default); off runs tf.js' own
 * AdamOptimizer code, for comparisons.
 */
export function setFusedAdamEnabled(on: boolean): void {
  enabled = on;
}

/** Whether the fused step would run now: enabled, on the WASM backend, with SIMD and the heap at hand. */
export function isFusedAdamActive(): boolean {
  if (!enabled || tf.getBackend() !== BACKEND) return false;
  if (!tf.getKernel(FUSED_ADAM_KERNEL, BACKEND)) tf.registerKernel(fusedAdamKernel);
  return stepFor(tf.backend()) !== null;
}

const f32 = Math.fround;

type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];
type GradientMap = Exclude<VariableGradients, unknown[]>;

/**
 * tf.js' AdamOptimizer, with each variable's update done by one fused WASM kernel instead of fourteen
 * elementwise ones. Every operation is the same float32 operation in the same order, so weights,
 * moments and losses are bit-identical to tf.train.adam's; off the WASM backend it is tf.train.adam.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (!isFusedAdamActive()) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = this as unknown as AdamInternals;
    const list = Array.isArray(variableGradients) ? variableGradients : undefined;
    const names = list ? list.map((v) => v.name) : Object.keys(variableGradients);
    tf.tidy(() => {
      // tf.js computes 1 - accBeta in float32 on the backend; so does this, from the same variables.
      const d1 = f32(1 - (self.accBeta1.dataSync()[0] as number));
      const d2 = f32(1 - (self.accBeta2.dataSync()[0] as number));
      const attrs: FusedAdamAttrs = {
        b1: f32(self.beta1),
        c1: f32(1 - self.beta1),
        b2: f32(self.beta2),
        c2: f32(1 - self.beta2),
        d1,
        d2,
        eps: f32(self.epsilon),
        negLr: f32(-self.learningRate),
      };
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name] as tf.Variable;
        const moment = (slot: 'm' | 'v') => ({
          originalName: `${name}/${slot}`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        });
        self.accumulatedFirstMoment[i] ??= moment('m');
        self.accumulatedSecondMoment[i] ??= moment('v');
        const gradient = list ? list[i]?.tensor : (variableGradients as GradientMap)[name];
        if (gradient == null) return;
        const first = self.accumulatedFirstMoment[i].variable;
        const second = self.accumulatedSecondMoment[i].variable;
        const fusable = [value, first, second, gradient].every((t) => t.dtype === 'float32');
        if (!fusable) throw new Error(`Adam on "${name}" needs float32 tensors.`);
        const [newValue, newFirst, newSecond] = tf
          .engine()
          .runKernel(
            FUSED_ADAM_KERNEL,
            { value, m: first, v: second, gradient },
            attrs as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[];
        first.assign(newFirst as tf.Tensor);
        second.assign(newSecond as tf.Tensor);
        value.assign(newValue as tf.Tensor);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    this.incrementIterations();
  }
}

/** Adam with tf.train.adam's defaults (β1 0.9, β2 0.999, the backend's epsilon), fused on WASM. */
export function createAdamOptimizer(options: { learningRate: number }): FusedAdamOptimizer {
  return new FusedAdamOptimizer(options.learningRate, 0.9, 0.999);
}
