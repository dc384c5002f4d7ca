import type { EpochRecord, ExtractProgress } from '@headstart/core/browser';
import type { TrainCallbacks, TrainSummary } from '../shared/protocol.ts';
import { createClassList } from './class-list.ts';
import { createProgressLine } from './components/progress-line.ts';
import { confusionMatrix } from './components/confusion-matrix.ts';
import { createTrainChart } from './components/train-chart.ts';
import type { AppContext } from './context.ts';
import { Comlink, errorMessage } from './engine-client.ts';
import { formatBytes, formatNumber, formatPercent, h, replace, showError } from './dom.ts';
import { createTrainSettings } from './train-settings.ts';

function download(bytes: Uint8Array, fileName: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
  const link = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Screen 2: classes of dropped images → features (cached) → a trained head → a downloadable bundle. */
export function createTrainScreen(ctx: AppContext) {
  const classes = createClassList(ctx);
  const settings = createTrainSettings();
  const start = h('button', { type: 'button', class: 'primary', testid: 'train-start' }, 'Train');
  const stop = h('button', { type: 'button', testid: 'train-stop', disabled: true }, 'Stop');
  const phase = h('p', { class: 'muted', testid: 'train-phase' });
  const extract = createProgressLine('extract-progress');
  const chart = createTrainChart();
  const epochLine = h('p', { class: 'muted', testid: 'epoch-line' });
  const error = h('p', { class: 'error', testid: 'train-error', hidden: true, role: 'alert' });
  const cacheInfo = h('span', { testid: 'cache-info' });
  const results = h('section', { class: 'card', testid: 'train-results', hidden: true });
  const includeBackbone = h('input', { type: 'checkbox', testid: 'include-backbone' });
  let last: TrainSummary | undefined;

  const refreshCache = async () => {
    try {
      const info = await ctx.engine.cacheInfo();
      const size = info.bytes !== undefined ? `, ${formatBytes(info.bytes)} in all` : '';
      cacheInfo.textContent = `Browser cache: ${info.features.toLocaleString('en-US')} feature vectors, ${info.backbones} backbone${info.backbones === 1 ? '' : 's'} (IndexedDB${size}).`;
    } catch (e) {
      cacheInfo.textContent = `Browser cache unavailable: ${errorMessage(e)}`;
    }
  };

  const showResults = (summary: TrainSummary) => {
    const v = summary.validation;
    const extractText =
      summary.extracted > 0
        ? `${summary.extracted} extracted at ${formatNumber(summary.extractImagesPerSecond, 1)} images/s`
        : 'none extracted';
    includeBackbone.checked = !summary.backboneRebuildable;
    replace(
      results,
      h('h2', {}, summary.aborted ? 'Stopped: the best head so far' : 'Trained'),
      h(
        'p',
        { class: 'big', testid: 'val-accuracy', 'data-accuracy': String(v.accuracy) },
        `Validation accuracy ${formatPercent(v.accuracy)} (${v.total} images)`,
      ),
      h(
        'p',
        {
          testid: 'train-stats',
          'data-cache-hits': String(summary.cacheHits),
          'data-extracted': String(summary.extracted),
        },
        `Features: ${extractText}, ${summary.cacheHits} from the cache · best epoch ${summary.bestEpoch} of ${summary.history.length} · ${formatNumber(summary.durationMs / 1000, 1)} s · ${summary.backboneId} on ${summary.executionNote}`,
      ),
      confusionMatrix({ labels: summary.labels, confusion: v.confusion }),
      h(
        'p',
        {},
        h(
          'label',
          {},
          includeBackbone,
          ` include the backbone (${formatBytes(summary.backboneBytes)})${summary.backboneRebuildable ? ' — not needed: the CLI and API rebuild seeded random weights' : ' — needed: its weights cannot be rebuilt'}`,
        ),
      ),
      h(
        'p',
        {},
        h(
          'button',
          { type: 'button', class: 'primary', testid: 'download-bundle', onclick: () => void save() },
          'Download bundle (.zip)',
        ),
        ' ',
        h(
          'button',
          { type: 'button', testid: 'use-trained', onclick: () => void useTrained() },
          'Classify with this model',
        ),
      ),
    );
    results.hidden = false;
  };

  const save = async () => {
    try {
      const { fileName, bytes } = await ctx.engine.exportTrained({
        includeBackbone: includeBackbone.checked,
      });
      download(bytes, fileName);
    } catch (e) {
      showError(error, errorMessage(e));
    }
  };
  const useTrained = async () => {
    try {
      ctx.setModel(await ctx.engine.useTrainedModel());
      await ctx.refreshStatus();
      ctx.show('classify');
    } catch (e) {
      showError(error, errorMessage(e));
    }
  };

  const run = async () => {
    showError(error, undefined);
    const chosen = classes.collect();
    if (!chosen) return;
    const request = { ...settings.read(), classes: chosen };
    start.disabled = true;
    stop.disabled = false;
    results.hidden = true;
    chart.reset(request.epochs);
    epochLine.textContent = '';
    let finished = false;
    const showEpoch = (r: EpochRecord | undefined) => {
      if (r)
        epochLine.textContent = `epoch ${r.epoch}/${request.epochs} · loss ${r.loss.toFixed(4)} · accuracy ${formatPercent(r.accuracy)}${r.valAccuracy !== undefined ? ` · validation ${formatPercent(r.valAccuracy)}` : ''}`;
    };
    const callbacks: TrainCallbacks = {
      onPhase: (_name, detail) => void (phase.textContent = detail),
      onExtract: (p: ExtractProgress) =>
        extract.show(
          // No rate while every image so far came from the cache: nothing went through the backbone.
          `${p.done} / ${p.total} images · ${p.imagesPerSecond > 0 ? `${formatNumber(p.imagesPerSecond, 1)} images/s` : 'no extraction'} · ${p.cacheHits} from the cache${p.skipped ? ` · ${p.skipped} unreadable` : ''}`,
          p.done / Math.max(p.total, 1),
        ),
      onFeatures: (info) =>
        void (epochLine.textContent = `${info.dim.toLocaleString('en-US')}-d features: ${info.train} for training, ${info.val} for validation${info.cacheHits ? `, ${info.cacheHits} from the cache` : ''}`),
      onEpochs: (records: EpochRecord[]) => {
        if (finished) return;
        for (const record of records) chart.add(record);
        showEpoch(records.at(-1));
      },
    };
    try {
      last = await ctx.engine.train(request, Comlink.proxy(callbacks));
      // Epoch batches travel on their own channel and may arrive after the result: draw from the result.
      finished = true;
      chart.reset(request.epochs);
      for (const record of last.history) chart.add(record);
      showEpoch(last.history.at(-1));
      phase.textContent = last.aborted
        ? `Stopped after ${last.history.length} epochs; the bundle holds the best one (epoch ${last.bestEpoch}).`
        : 'Done.';
      for (const s of last.skipped) classes.note(s.label, s.name, s.message);
      showResults(last);
    } catch (e) {
      phase.textContent = '';
      showError(error, errorMessage(e));
    } finally {
      start.disabled = false;
      stop.disabled = true;
      await refreshCache();
      await ctx.refreshStatus();
    }
  };
  start.addEventListener('click', () => void run());
  stop.addEventListener('click', () => {
    phase.textContent = 'Stopping after the current batch…';
    void ctx.engine.stopTraining();
  });
  ctx.onModel((model) => settings.setLoaded(model));
  const clearCache = h(
    'button',
    {
      type: 'button',
      class: 'link',
      testid: 'clear-cache',
      onclick: () => void ctx.engine.clearCache().then(refreshCache),
    },
    'clear',
  );
  const runCard = h(
    'section',
    { class: 'card', testid: 'train-run' },
    h('h2', {}, 'Train'),
    h('p', {}, start, ' ', stop),
    phase,
    extract.element,
    epochLine,
    chart.element,
    error,
    h('p', { class: 'muted' }, cacheInfo, ' ', clearCache),
  );
  const element = h(
    'div',
    { class: 'screen', testid: 'train-screen' },
    classes.element,
    settings.element,
    runCard,
    results,
  );
  return { element, refreshCache };
}
