import cliProgress from 'cli-progress';
import pc from 'picocolors';

/** A progress display for one long phase. */
export interface ProgressBar {
  update(done: number, extra?: Record<string, string | number>): void;
  stop(): void;
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

/**
 * A bar on a terminal (cli-progress); in logs and CI, a line at every tenth so output stays readable.
 * `rate` in the payload is shown as `<rate> <unit>/s`.
 */
export function createProgressBar(options: {
  label: string;
  total: number;
  unit: string;
  stream?: NodeJS.WriteStream;
}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const start = Date.now();
  const rateOf = (done: number) => (done * 1000) / Math.max(1, Date.now() - start);
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${options.label.padEnd(10)} ${pc.cyan('{bar}')} {percentage}% | {value}/{total} | {rate} ${options.unit}/s | ETA {eta_formatted} {note}`,
        barsize: 28,
        hideCursor: true,
        stream,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(options.total, 0, { rate: '0', note: '' });
    return {
      update: (done, extra) => bar.update(done, { rate: rateOf(done).toFixed(1), note: '', ...extra }),
      stop: () => bar.stop(),
    };
  }
  let nextTenth = 1;
  return {
    update(done, extra) {
      const tenth = Math.floor((done / Math.max(1, options.total)) * 10);
      if (tenth < nextTenth && done < options.total) return;
      nextTenth = tenth + 1;
      const rate = rateOf(done);
      const eta = formatEta((options.total - done) / Math.max(rate, 1e-9));
      const note = extra?.note ? ` ${extra.note}` : '';
      stream.write(
        `${options.label} ${done}/${options.total} (${Math.round((done / Math.max(1, options.total)) * 100)}%) ${rate.toFixed(1)} ${options.unit}/s ETA ${eta}${note}\n`,
      );
    },
    stop() {},
  };
}
