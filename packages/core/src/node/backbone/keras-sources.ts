import type { ExpectedHash } from './download.ts';

/** Where Keras publishes ImageNet weights of a conv base, with the checksum Keras itself pins for the file. */
export interface KerasWeightsSource {
  url: string;
  fileName: string;
  hash: ExpectedHash;
}

/**
 * Keras's "notop" (conv base only) ImageNet weights, as `keras.applications.VGG16/VGG19` download them; the
 * md5 digests are the `file_hash` values in keras/src/applications/vgg16.py and vgg19.py.
 */
export const KERAS_NOTOP_WEIGHTS: Readonly<Record<'vgg16' | 'vgg19', KerasWeightsSource>> = {
  vgg16: {
    url: 'https://storage.googleapis.com/tensorflow/keras-applications/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
    fileName: 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
    hash: { algorithm: 'md5', hex: '6d6bbae143d832006294945121d1f1fc' },
  },
  vgg19: {
    url: 'https://storage.googleapis.com/tensorflow/keras-applications/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5',
    fileName: 'vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5',
    hash: { algorithm: 'md5', hex: '253f8cb515780f3b799900260a226db6' },
  },
};

/** Backbone ids that `pullBackbone` can fetch. */
export const PULLABLE_BACKBONES = Object.keys(KERAS_NOTOP_WEIGHTS) as (keyof typeof KERAS_NOTOP_WEIGHTS)[];

export function isPullable(id: string): id is keyof typeof KERAS_NOTOP_WEIGHTS {
  return (PULLABLE_BACKBONES as string[]).includes(id);
}
