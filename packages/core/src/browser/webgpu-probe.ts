/** The parts of the WebGPU API the probe reads; TypeScript's DOM library does not declare WebGPU yet. */
interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'low-power' | 'high-performance';
  }): Promise<GpuAdapterLike | null>;
}

/** Whether WebGPU can be used here, and the words to say so with. */
export type WebGpuProbe = { available: true; adapter: string } | { available: false; reason: string };

/** A short name of an adapter such as `google swiftshader` or `nvidia ampere`. */
function adapterName(adapter: GpuAdapterLike): string {
  const info = adapter.info ?? {};
  const parts = [info.vendor, info.architecture, info.description].filter((p): p is string =>
    Boolean(p && p.trim()),
  );
  return parts.length > 0 ? parts.join(' ') : 'unnamed adapter';
}

/**
 * Asks the browser for a WebGPU adapter (in a page or a Web Worker). The reason when there is none is
 * phrased for the page: `navigator.gpu is missing (…)`, `no adapter`, or the error the request raised.
 */
export async function probeWebGpu(
  options: { powerPreference?: 'low-power' | 'high-performance' } = {},
): Promise<WebGpuProbe> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) {
    const secure = (globalThis as { isSecureContext?: boolean }).isSecureContext !== false;
    return {
      available: false,
      reason: secure
        ? 'navigator.gpu is missing (this browser has no WebGPU)'
        : 'navigator.gpu is missing (the page is not a secure context)',
    };
  }
  try {
    const adapter = await gpu.requestAdapter(
      options.powerPreference ? { powerPreference: options.powerPreference } : {},
    );
    if (!adapter) return { available: false, reason: 'no adapter' };
    return { available: true, adapter: adapterName(adapter) };
  } catch (error) {
    return { available: false, reason: `requesting an adapter failed: ${(error as Error).message}` };
  }
}
