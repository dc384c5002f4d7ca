// Public API of image/.
export * from './rgb-image.ts';
