/**
 * What the page and its engine worker say to each other. Only types and plain data cross: files as Blobs,
 * pixels as typed arrays, errors as { code, message }.
 */
import type {
  BackboneLoadPhase,
  BrowserDevice,
  EpochRecord,
  ExtractProgress,
  RankedLabel,
  WebGpuProbe,
} from '@headstart/core/browser';

/** A failure as the page shows it, next to what caused it. */
export interface EngineError {
  code: string;
  message: string;
}

/** URLs of the runtime files the worker loads (absolute: the worker's own URL is not the page's). */
export interface RuntimeUrls {
  ortWasm: string;
  ortMjs: string;
  tfjsPrefix: string;
}

/** Which runtimes are in use and why, for the status line the page always shows. */
export interface RuntimeStatus {
  device: BrowserDevice;
  webgpu: WebGpuProbe;
  /** onnxruntime-web's WASM threads, with the reason when there is only one. */
  ortThreads: string;
  crossOriginIsolated: boolean;
  tfjs: { backend: string; note: string };
  /** The execution provider of the session last opened, and the note saying why. */
  backbone?: { executionProvider: string; note: string };
}

/**
 * A merged export as the page describes it: one ONNX graph (`export --format onnx`) whose output is the
 * class probabilities, with no tf.js head after it.
 */
export interface MergedGraphInfo {
  /** sha256 of model.onnx. */
  sha256: string;
  inputName: string;
  outputName: string;
}

/** A loaded bundle (or merged export), as the page describes it. */
export interface ModelInfo {
  id: string;
  /** Set for a merged export; absent for a bundle (ONNX backbone, tf.js head). */
  merged?: MergedGraphInfo;
  labels: string[];
  inputSize: number;
  pooling: string;
  featureDim: number;
  backboneId: string;
  backboneWeights: string;
  backboneSource: string;
  executionProvider: string;
  executionNote: string;
  /** The bundle's labels are the ten digits (or some of them): the page offers a drawing canvas. */
  digits: boolean;
  validationAccuracy?: number;
  origin: 'preloaded' | 'file' | 'trained';
  warnings: string[];
}

/** Loading progress of a bundle: which step, and bytes for downloads. */
export interface LoadProgress {
  phase: BackboneLoadPhase | 'manifest' | 'download';
  /** Set while a merged export loads: its steps concern model.json and model.onnx, not a backbone. */
  merged?: boolean;
  loaded?: number;
  total?: number;
  path?: string;
}

/** One image to classify: a dropped file, or pixels from the drawing canvas (RGB, width × height × 3). */
export type ClassifyInput =
  | { id: string; kind: 'file'; blob: Blob }
  | { id: string; kind: 'drawing'; width: number; height: number; rgb: Uint8Array };

export type ClassifyResult =
  | { id: string; ok: true; label: string; probability: number; top: RankedLabel[] }
  | { id: string; ok: false; error: EngineError };

export interface ClassifyResponse {
  results: ClassifyResult[];
  durationMs: number;
}

/** What a file dropped into a class turned out to be, checked before training. */
export interface FileCheck {
  name: string;
  ok: boolean;
  /** Why it cannot be used, when not ok. */
  message?: string;
}

/** The backbone a page training run extracts features with. */
export type TrainBackboneChoice =
  /** Seeded random weights rebuilt here, cut after `block` (undefined: all blocks). */
  | { kind: 'random'; arch: string; seed: number; block?: number }
  /** The backbone of the bundle loaded on the Classify screen (e.g. exported ImageNet weights). */
  | { kind: 'loaded' };

export interface TrainRequest {
  name: string;
  classes: { label: string; files: { name: string; blob: Blob }[] }[];
  backbone: TrainBackboneChoice;
  inputSize: number;
  pooling: 'flatten' | 'avg' | 'max';
  head: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  valSplit: number;
  seed: number;
  standardize: boolean;
}

/** Progress callbacks of a training run (called from the worker through comlink proxies). */
export interface TrainCallbacks {
  onPhase(phase: 'backbone' | 'extract' | 'train' | 'evaluate', detail: string): void;
  onExtract(progress: ExtractProgress): void;
  onFeatures(info: { train: number; val: number; skipped: number; cacheHits: number; dim: number }): void;
  /** Finished epochs in order, a few batches per second however fast the epochs are. */
  onEpochs(records: EpochRecord[]): void;
}

export interface TrainSummary {
  bundleId: string;
  labels: string[];
  aborted: boolean;
  bestEpoch: number;
  history: EpochRecord[];
  validation: { accuracy: number; loss: number; confusion: number[][]; total: number };
  /** Files that could not be used, with why, by class. */
  skipped: { label: string; name: string; message: string }[];
  extracted: number;
  cacheHits: number;
  /** Images per second through the backbone during extraction (0 when everything came from the cache). */
  extractImagesPerSecond: number;
  backboneId: string;
  executionNote: string;
  /** Whether the CLI can rebuild the backbone without the bundle carrying it. */
  backboneRebuildable: boolean;
  backboneBytes: number;
  durationMs: number;
}

/** Tensor bookkeeping, for leak checks: live tensors, and those held on purpose by loaded models. */
export interface MemoryInfo {
  numTensors: number;
  heldByModels: number;
}

/** Extraction speed measured on one backbone, for the page's benchmark and the tests. */
export interface BenchmarkResult {
  backboneId: string;
  executionProvider: string;
  note: string;
  inputSize: number;
  batchSize: number;
  images: number;
  imagesPerSecond: number;
}

/** The engine worker's API. */
export interface EngineApi {
  init(options: {
    urls: RuntimeUrls;
    device: BrowserDevice;
    tfjsBackend?: 'auto' | 'wasm' | 'cpu';
  }): Promise<RuntimeStatus>;
  status(): Promise<RuntimeStatus>;
  loadPreloaded(baseUrl: string, onProgress: (p: LoadProgress) => void): Promise<ModelInfo | undefined>;
  loadBundleFiles(
    files: { path: string; blob: Blob }[],
    name: string,
    onProgress: (p: LoadProgress) => void,
  ): Promise<ModelInfo>;
  useTrainedModel(): Promise<ModelInfo>;
  currentModel(): Promise<ModelInfo | undefined>;
  classify(inputs: ClassifyInput[], topK: number): Promise<ClassifyResponse>;
  checkImages(files: { name: string; blob: Blob }[]): Promise<FileCheck[]>;
  train(request: TrainRequest, callbacks: TrainCallbacks): Promise<TrainSummary>;
  stopTraining(): Promise<void>;
  exportTrained(options: { includeBackbone: boolean }): Promise<{ fileName: string; bytes: Uint8Array }>;
  /** What the browser keeps: feature vectors, backbone graphs, and the origin's storage use in bytes. */
  cacheInfo(): Promise<{ features: number; backbones: number; bytes?: number }>;
  clearCache(): Promise<void>;
  memory(): Promise<MemoryInfo>;
  /** The tensor the current model's backbone gets for an image, exactly (for parity checks with Node). */
  preprocess(bytes: Uint8Array): Promise<Float32Array>;
  /** Pooled features of images with the current model, before standardisation. */
  embed(images: Uint8Array[]): Promise<{ features: Float32Array; dim: number }>;
  benchmark(options: {
    images: number;
    batchSize: number;
    inputSize: number;
    backbone: TrainBackboneChoice;
  }): Promise<BenchmarkResult>;
}
