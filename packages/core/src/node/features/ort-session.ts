import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { HeadstartError, formatChoices } from '../../errors.ts';
import { DEVICES, type BackboneSession, type Device } from '../../features/backbone-session.ts';

export interface OrtSessionOptions {
  /** The ONNX graph's bytes, or a path to it. */
  model: Uint8Array | string;
  device?: Device;
  /** Intra-op threads for the CPU provider. Default: every core. */
  threads?: number;
  /** Name of the graph's input; read from the session when omitted. */
  inputName?: string;
  outputName?: string;
}

/** The command that installs onnxruntime-node's CUDA provider (its binaries come from NuGet, not npm). */
export const CUDA_SETUP_COMMAND = 'pnpm setup:cuda';

function cudaProviderPresent(): boolean {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('onnxruntime-node/package.json'));
  const dir = join(root, 'bin', 'napi-v6', process.platform, process.arch);
  return (
    existsSync(join(dir, 'libonnxruntime_providers_cuda.so')) ||
    existsSync(join(dir, 'onnxruntime_providers_cuda.dll'))
  );
}

function providersFor(device: Device): string[] {
  switch (device) {
    case 'cpu':
      return ['cpu'];
    case 'cuda':
      if (!cudaProviderPresent()) {
        throw new HeadstartError(
          'DEVICE_UNAVAILABLE',
          `--device cuda: onnxruntime-node's CUDA execution provider is not installed; run \`${CUDA_SETUP_COMMAND}\` on a machine with CUDA 12 and cuDNN 9, or use --device cpu.`,
        );
      }
      return ['cuda'];
    case 'webgpu':
      return ['webgpu'];
    default:
      throw new HeadstartError(
        'DEVICE_UNAVAILABLE',
        `Device "${device}" is not available in Node; use ${formatChoices(DEVICES.filter((d) => d !== 'wasm'))}.`,
      );
  }
}

/**
 * Opens a backbone graph with onnxruntime-node on the calling thread. `run` blocks that thread while ORT
 * computes, so servers and CLIs use the worker-backed session instead; this one serves the worker itself.
 * A requested GPU device that cannot be used fails here, never silently running on the CPU.
 */
export async function createOrtSession(options: OrtSessionOptions): Promise<BackboneSession> {
  const device = options.device ?? 'cpu';
  const executionProviders = providersFor(device);
  ort.env.logLevel = 'fatal';
  let session: ort.InferenceSession;
  try {
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders,
      graphOptimizationLevel: 'all',
      intraOpNumThreads: options.threads ?? availableParallelism(),
      interOpNumThreads: 1,
      logSeverityLevel: 4,
      // Idle pool threads would otherwise spin for the next run and hold a core the main thread needs
      // to decode and preprocess the next batch.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    session =
      typeof options.model === 'string'
        ? await ort.InferenceSession.create(options.model, sessionOptions)
        : await ort.InferenceSession.create(options.model, sessionOptions);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 300);
    if (device !== 'cpu') {
      throw new HeadstartError('DEVICE_UNAVAILABLE', `--device ${device} could not start: ${reason}`, {
        cause: error,
      });
    }
    throw new HeadstartError('BACKBONE_INVALID', `ONNX Runtime could not load the backbone: ${reason}`, {
      cause: error,
    });
  }
  const inputName = options.inputName ?? session.inputNames[0] ?? 'input';
  const outputName = options.outputName ?? session.outputNames[0] ?? 'features';
  return {
    executionProvider: device,
    async run(input, dims) {
      const feeds = { [inputName]: new ort.Tensor('float32', input, dims as number[]) };
      const result = await session.run(feeds, [outputName]);
      const out = result[outputName];
      if (!out)
        throw new HeadstartError('BACKBONE_IO_MISMATCH', `The backbone returned no "${outputName}" output.`);
      const data = out.data as Float32Array;
      const dimsOut = [...out.dims];
      out.dispose();
      return { data, dims: dimsOut };
    },
    async dispose() {
      await session.release();
    },
  };
}
