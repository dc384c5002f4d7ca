/**
 * Headers that make the page cross-origin isolated, which browsers require before they hand WebAssembly
 * the SharedArrayBuffer its threads need. Whatever serves the built page (the API included) sends them.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

/** MIME types of the runtime files; `.wasm` must be application/wasm for streaming compilation. */
export const RUNTIME_MIME_TYPES: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};
