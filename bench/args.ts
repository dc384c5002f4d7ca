/** Command-line switches of `pnpm bench`. */
export interface BenchArgs {
  /** Fewer runs and smaller counts: the whole suite in under two minutes. */
  quick: boolean;
  /** Also run the streaming-memory case (a child process training from a file-backed feature source). */
  memory: boolean;
  /** Rows for the memory case; default 5,000. */
  memoryRows: number;
  /** `cuda` adds the GPU line; anything else skips it. */
  device: 'cpu' | 'cuda';
  /** Only these sections (ort, extract, head, memory, cuda); all when empty. */
  only: string[];
  /** Where the JSON goes; default bench/results/<timestamp>.json. */
  out?: string;
}

const USAGE =
  'Usage: pnpm bench [--quick] [--memory [--memory-rows N]] [--device cpu|cuda] [--only ort,extract,head,memory,cuda] [--out file.json]';

/** Parses argv (without node and the script), failing with the usage line on anything unknown. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, memory: false, memoryRows: 5000, device: 'cpu', only: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value. ${USAGE}`);
      return next;
    };
    if (arg === '--') continue;
    else if (arg === '--quick') args.quick = true;
    else if (arg === '--memory') args.memory = true;
    else if (arg === '--memory-rows') args.memoryRows = positiveInt(value(), arg);
    else if (arg === '--device') {
      const device = value();
      if (device !== 'cpu' && device !== 'cuda')
        throw new Error(`Unknown device "${device}"; use cpu or cuda.`);
      args.device = device;
    } else if (arg === '--only')
      args.only = value()
        .split(',')
        .map((s) => s.trim());
    else if (arg === '--out') args.out = value();
    else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    else throw new Error(`Unknown option "${arg}". ${USAGE}`);
  }
  return args;
}

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} ${text} must be a positive integer.`);
  return n;
}
