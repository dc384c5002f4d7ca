// Public API of image/.
export * from './rgb-image.ts';
export * from './resize.ts';
export * from './image-tensor.ts';
