import type { LoadProgress } from '../shared/protocol.ts';
import { createProgressLine } from './components/progress-line.ts';
import type { AppContext } from './context.ts';
import { Comlink, errorMessage } from './engine-client.ts';
import { filesFromInput, isClutter, makeDropZone, type PickedFile } from './file-drop.ts';
import { formatBytes, h, replace, showError } from './dom.ts';
import { modelSummary } from './model-summary.ts';

const PHASES: Record<LoadProgress['phase'], string> = {
  manifest: 'Reading the manifest and the head…',
  cache: 'Looking for the backbone in the browser cache…',
  read: 'Reading the backbone…',
  download: 'Downloading…',
  rebuild: 'Rebuilding the backbone from its seed…',
  verify: "Verifying the backbone's sha256…",
  session: 'Starting ONNX Runtime on the backbone…',
};

/** The same steps for a merged export, whose one graph holds backbone and head. */
const MERGED_PHASES: Record<LoadProgress['phase'], string> = {
  ...PHASES,
  manifest: 'Reading model.json…',
  cache: 'Looking for model.onnx in the browser cache…',
  read: 'Reading model.onnx…',
  verify: "Verifying model.onnx's sha256…",
  session: 'Starting ONNX Runtime on the merged graph…',
};

function describeProgress(p: LoadProgress): { text: string; fraction?: number } {
  if (p.phase === 'download' && p.loaded !== undefined) {
    const of = p.total ? ` of ${formatBytes(p.total)}` : '';
    return {
      text: `Downloading ${p.path ?? ''}: ${formatBytes(p.loaded)}${of}`,
      ...(p.total ? { fraction: p.loaded / p.total } : {}),
    };
  }
  return { text: (p.merged ? MERGED_PHASES : PHASES)[p.phase] };
}

/** The Classify screen's bundle card: what is loaded, and a drop zone and pickers for another bundle. */
export function createBundlePanel(ctx: AppContext) {
  const info = h('div', { testid: 'model-summary' }, modelSummary(undefined));
  const error = h('p', { class: 'error', testid: 'bundle-error', hidden: true, role: 'alert' });
  const progress = createProgressLine('bundle-progress');
  const folderInput = h('input', {
    type: 'file',
    webkitdirectory: true,
    hidden: true,
    testid: 'bundle-folder-input',
  });
  const zipInput = h('input', {
    type: 'file',
    accept: '.zip,application/zip',
    hidden: true,
    testid: 'bundle-zip-input',
  });
  let busy = false;
  let attempts = 0;
  const element = h('section', { class: 'card', testid: 'bundle-card', 'data-attempts': '0' });
  /** Counts finished load attempts (opened or failed), so tools can wait for the next one. */
  const finished = () => {
    attempts += 1;
    element.dataset.attempts = String(attempts);
  };

  const load = async (files: PickedFile[], name: string) => {
    if (busy) return;
    busy = true;
    showError(error, undefined);
    progress.show('Opening the bundle…');
    try {
      const usable = files.filter((f) => !isClutter(f.path)).map((f) => ({ path: f.path, blob: f.file }));
      const onProgress = Comlink.proxy((p: LoadProgress) => {
        const d = describeProgress(p);
        progress.show(d.text, d.fraction);
      });
      ctx.setModel(await ctx.engine.loadBundleFiles(usable, name, onProgress));
    } catch (e) {
      showError(error, errorMessage(e));
    } finally {
      progress.hide();
      busy = false;
      await ctx.refreshStatus();
      finished();
    }
  };

  folderInput.addEventListener('change', () => {
    const files = filesFromInput(folderInput);
    const folder = files[0]?.path.split('/')[0] ?? 'the folder';
    void load(files, `The folder "${folder}"`).then(() => (folderInput.value = ''));
  });
  zipInput.addEventListener('change', () => {
    const files = filesFromInput(zipInput);
    void load(files, `"${files[0]?.path ?? 'the zip'}"`).then(() => (zipInput.value = ''));
  });
  const zone = h(
    'div',
    { class: 'dropzone', testid: 'bundle-drop' },
    'Drop a bundle folder (or a merged ONNX export) or its .zip here, or ',
    h('button', { type: 'button', onclick: () => folderInput.click() }, 'choose a folder'),
    ' ',
    h('button', { type: 'button', onclick: () => zipInput.click() }, 'choose a .zip'),
  );
  makeDropZone(
    zone,
    ({ files, folders }) =>
      void load(files, folders[0] ? `The folder "${folders[0]}"` : `"${files[0]?.path ?? 'the drop'}"`),
  );
  ctx.onModel((model) => replace(info, modelSummary(model)));

  /** Loads the bundle the server preloads, if it preloads one. */
  const loadPreloaded = async () => {
    progress.show('Looking for a preloaded bundle…');
    try {
      const onProgress = Comlink.proxy((p: LoadProgress) => {
        const d = describeProgress(p);
        progress.show(d.text, d.fraction);
      });
      const model = await ctx.engine.loadPreloaded(new URL('preloaded/', document.baseURI).href, onProgress);
      if (model) ctx.setModel(model);
    } catch (e) {
      showError(error, `The preloaded bundle could not be opened: ${errorMessage(e)}`);
    } finally {
      progress.hide();
      await ctx.refreshStatus();
      finished();
    }
  };

  element.append(h('h2', {}, 'Model bundle'), info, zone, folderInput, zipInput, progress.element, error);
  return { element, loadPreloaded };
}
