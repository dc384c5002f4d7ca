import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's gradients (of pad, slice, matMul, …) are registered by tfjs-layers on import, in its Node
// bundle and its ESM build alike; tfjs-core's own register_all_gradients module does not load in Node.
import '@tensorflow/tfjs-layers';

/**
 * How a 3×3 conv is computed: `conv` is the backend's own conv kernel; `im2col` lays the 3×3
 * neighbourhoods out as rows of a matrix and multiplies, so the work lands on the backend's matmul —
 * in Node, ONNX Runtime's multi-threaded gemm. `auto` picks per call (see usesIm2col).
 */
export type ConvStrategy = 'auto' | 'im2col' | 'conv';

/** Largest neighbourhood matrix `auto` builds, in floats (128 MiB); beyond it the conv kernel runs. */
const IM2COL_MAX_FLOATS = 2 ** 25;
/**
 * Fewest input channels for which `auto` computes a conv's value by im2col. Measured on 2 cores (batch
 * 32, tf.js WASM, ORT gemm): up to 64 channels the WASM conv is faster (60 ms against 135 at 32×32,
 * 31 against 32 at 16×16); from 128 im2col wins (38 against 57 at 16×16, 20 against 58 at 4×4). The
 * kernel's gradient goes by im2col at every width measured (23 ms against 38 from 3 channels at 32×32,
 * 85 against 118 from 64, 18 against 61 at 16×16), so it has no such floor.
 */
const IM2COL_MIN_CHANNELS = 128;

function usesIm2col(x: tf.Tensor4D, strategy: ConvStrategy, minChannels: number): boolean {
  if (strategy !== 'auto') return strategy === 'im2col';
  const [n, h, w, c] = x.shape;
  return c >= minChannels && n * h * w * 9 * c <= IM2COL_MAX_FLOATS;
}

/** NHWC `x` with one row and column of zeros on every side: what a 3×3 `same` conv sees. */
function padSame(x: tf.Tensor4D): tf.Tensor4D {
  return tf.pad(x, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
}

/**
 * The 3×3 neighbourhoods of NHWC `x` under `same` padding as an [N·H·W, 9·C] matrix whose columns run
 * tap by tap (kh, then kw) and channel within a tap: the order of an HWIO kernel reshaped to [9·C, O].
 */
function im2col(x: tf.Tensor4D): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  const padded = padSame(x);
  const taps: tf.Tensor4D[] = [];
  for (let kh = 0; kh < 3; kh++) {
    for (let kw = 0; kw < 3; kw++) taps.push(tf.slice(padded, [0, kh, kw, 0], [n, h, w, c]));
  }
  return tf.reshape(tf.concat(taps, 3), [n * h * w, 9 * c]);
}

/** A 3×3 stride-1 `same` conv of NHWC `x` with an HWIO kernel, by `strategy`. */
function convSame(x: tf.Tensor4D, kernel: tf.Tensor4D, strategy: ConvStrategy): tf.Tensor4D {
  if (!usesIm2col(x, strategy, IM2COL_MIN_CHANNELS)) return tf.conv2d(x, kernel, 1, 'same');
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const out = kernel.shape[3];
    const product = tf.matMul(im2col(x), tf.reshape(kernel, [9 * c, out]));
    return tf.reshape(product, [n, h, w, out]);
  });
}

/**
 * Gradient of a 3×3 stride-1 `same` conv with respect to its HWIO kernel:
 * dW[kh, kw, c, o] = Σ over n, i, j of xPadded[n, i + kh, j + kw, c] · dy[n, i, j, o]. By im2col that is
 * one matrix product; otherwise it is computed as a `valid` conv of the padded input seen as C images of
 * N channels with dy seen as an H×W filter from N to O channels, on the backend's conv path.
 */
function kernelGradient(x: tf.Tensor4D, dy: tf.Tensor4D, strategy: ConvStrategy): tf.Tensor4D {
  if (usesIm2col(x, strategy, 1)) {
    // dW = im2col(x)ᵀ · dy, one product of [9·C, N·H·W] by [N·H·W, O]. The matrix is rebuilt here rather
    // than kept from the forward pass, which would hold one nine-times-larger copy per layer until backprop.
    const [n, h, w, c] = x.shape;
    const out = dy.shape[3];
    const product = tf.matMul(im2col(x), tf.reshape(dy, [n * h * w, out]), true, false);
    return tf.reshape(product, [3, 3, c, out]);
  }
  const padded = padSame(x);
  const images = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D;
  const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
  return tf.transpose(tf.conv2d(images, filter, 1, 'valid'), [1, 2, 0, 3]) as tf.Tensor4D;
}

/** Reverses the nine taps of a 3×3 kernel: a 9×9 anti-diagonal permutation, which a matmul applies fast. */
function reverseTaps(kernel: tf.Tensor4D): tf.Tensor4D {
  const [h, w, a, b] = kernel.shape;
  const taps = h * w;
  const permutation = tf.tensor2d(
    Array.from({ length: taps * taps }, (_, i) => (Math.floor(i / taps) + (i % taps) === taps - 1 ? 1 : 0)),
    [taps, taps],
  );
  return tf.reshape(tf.matMul(permutation, tf.reshape(kernel, [taps, a * b]) as tf.Tensor2D), [
    h,
    w,
    a,
    b,
  ]) as tf.Tensor4D;
}

/**
 * Gradient with respect to the input: the same conv of dy with the kernel rotated 180° and its channel
 * axes swapped, which runs on the backend's fast forward-conv path.
 */
function inputGradient(dy: tf.Tensor4D, kernel: tf.Tensor4D, strategy: ConvStrategy): tf.Tensor4D {
  const flipped = reverseTaps(tf.transpose(kernel, [0, 1, 3, 2]) as tf.Tensor4D);
  return convSame(dy, flipped, strategy);
}

function makeConv(withInputGradient: boolean, strategy: ConvStrategy) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, kernel, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x, kernel]);
    return {
      value: convSame(x, kernel, strategy),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [sx, sk] = saved as [tf.Tensor4D, tf.Tensor4D];
          const dx = withInputGradient ? inputGradient(dy, sk, strategy) : tf.zerosLike(sx);
          return [dx, kernelGradient(sx, dy, strategy)];
        }),
    };
  });
}

/** One differentiable conv per (input gradient wanted, strategy): customGrad functions are built once. */
const convs = new Map<string, (x: tf.Tensor4D, kernel: tf.Tensor4D) => tf.Tensor4D>();

function convFor(withInputGradient: boolean, strategy: ConvStrategy) {
  const key = `${withInputGradient}|${strategy}`;
  let conv = convs.get(key);
  if (!conv) {
    conv = makeConv(withInputGradient, strategy) as (x: tf.Tensor4D, kernel: tf.Tensor4D) => tf.Tensor4D;
    convs.set(key, conv);
  }
  return conv;
}

/**
 * A 3×3 stride-1 `same` convolution of NHWC `x` with an HWIO `kernel`, differentiable with respect to
 * both on every backend. tf.js' WASM backend has no Conv2DBackpropFilter kernel, so the stock conv2d
 * cannot be trained there; this one computes both gradients as convs or products the backend has.
 * `inputGradient: false` skips the input's gradient (zeros) for the first trainable layer, whose input
 * is data. `strategy` (default `auto`) picks the conv kernel or im2col per call, by shape.
 */
export function conv3x3(options: {
  x: tf.Tensor4D;
  kernel: tf.Tensor4D;
  inputGradient?: boolean;
  strategy?: ConvStrategy;
}): tf.Tensor4D {
  return convFor(options.inputGradient ?? true, options.strategy ?? 'auto')(options.x, options.kernel);
}
