import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's gradients (of pad, slice, matMul, …) are registered by tfjs-layers on import, in its Node
// bundle and its ESM build alike; tfjs-core's own register_all_gradients module does not load in Node.
import '@tensorflow/tfjs-layers';

/**
 * Gradient of a 3×3 stride-1 `same` conv with respect to its HWIO kernel:
 * dW[kh, kw, c, o] = Σ over n, i, j of xPadded[n, i + kh, j + kw, c] · dy[n, i, j, o]. That is itself a
 * `valid` conv of the padded input seen as C images of N channels with dy seen as an H×W filter from N
 * to O channels, so it runs on the backend's fast conv path rather than as nine strided products.
 */
function kernelGradient(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  const padded = tf.pad(x, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
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
function inputGradient(dy: tf.Tensor4D, kernel: tf.Tensor4D): tf.Tensor4D {
  const flipped = reverseTaps(tf.transpose(kernel, [0, 1, 3, 2]) as tf.Tensor4D);
  return tf.conv2d(dy, flipped, 1, 'same');
}

function makeConv(withInputGradient: boolean) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, kernel, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x, kernel]);
    return {
      value: tf.conv2d(x, kernel, 1, 'same'),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [sx, sk] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dx = withInputGradient ? inputGradient(dy, sk) : tf.zerosLike(sx);
        return [dx, kernelGradient(sx, dy)];
      },
    };
  });
}

const convWithInputGradient = makeConv(true);
const convWithoutInputGradient = makeConv(false);

/**
 * A 3×3 stride-1 `same` convolution of NHWC `x` with an HWIO `kernel`, differentiable with respect to
 * both on every backend. tf.js' WASM backend has no Conv2DBackpropFilter kernel, so the stock conv2d
 * cannot be trained there; this one computes that gradient from matmuls. `inputGradient: false` skips
 * the input's gradient (zeros) for the first trainable layer, whose input is data.
 */
export function conv3x3(options: {
  x: tf.Tensor4D;
  kernel: tf.Tensor4D;
  inputGradient?: boolean;
}): tf.Tensor4D {
  const conv = (options.inputGradient ?? true) ? convWithInputGradient : convWithoutInputGradient;
  return conv(options.x, options.kernel);
}
