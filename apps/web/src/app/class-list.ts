import type { AppContext } from './context.ts';
import { errorMessage } from './engine-client.ts';
import { filesFromInput, groupByTopFolder, isClutter, makeDropZone, type PickedFile } from './file-drop.ts';
import { h, replace, showError } from './dom.ts';

interface ClassEntry {
  element: HTMLElement;
  name: HTMLInputElement;
  files: PickedFile[];
  messages: HTMLElement;
  count: HTMLElement;
  thumbs: HTMLElement;
  error: HTMLElement;
}

const THUMBS = 6;

/** The Train screen's classes: a name and a drop zone each; files are checked as they arrive. */
export function createClassList(ctx: AppContext) {
  const entries: ClassEntry[] = [];
  const list = h('div', { class: 'classes', testid: 'classes' });
  const listError = h('p', { class: 'error', testid: 'classes-error', hidden: true, role: 'alert' });

  const render = (entry: ClassEntry) => {
    entry.count.textContent = `${entry.files.length} image${entry.files.length === 1 ? '' : 's'}`;
    replace(
      entry.thumbs,
      ...entry.files.slice(0, THUMBS).map((f) => {
        const url = URL.createObjectURL(f.file);
        const img = h('img', { class: 'thumb small', alt: '', src: url });
        img.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
        return img;
      }),
    );
  };

  const addFiles = async (entry: ClassEntry, picked: PickedFile[]) => {
    const fresh = picked.filter((f) => !isClutter(f.path) && !entry.files.some((g) => g.path === f.path));
    if (fresh.length === 0) return;
    entry.count.textContent = `checking ${fresh.length} file${fresh.length === 1 ? '' : 's'}…`;
    try {
      const checks = await ctx.engine.checkImages(fresh.map((f) => ({ name: f.path, blob: f.file })));
      checks.forEach((check, i) => {
        if (check.ok) entry.files.push(fresh[i] as PickedFile);
        else
          entry.messages.append(
            h(
              'li',
              { testid: 'class-message', 'data-file': check.name },
              check.message ?? `"${check.name}" cannot be used.`,
            ),
          );
      });
    } catch (e) {
      entry.messages.append(h('li', { testid: 'class-message' }, errorMessage(e)));
    }
    showError(entry.error, undefined);
    render(entry);
  };

  const add = (label: string, files: PickedFile[] = []): ClassEntry => {
    const name = h('input', {
      type: 'text',
      value: label,
      placeholder: 'class name',
      testid: 'class-name',
      class: 'class-name',
    });
    const fileInput = h('input', {
      type: 'file',
      multiple: true,
      accept: 'image/*',
      hidden: true,
      testid: 'class-files',
    });
    const folderInput = h('input', {
      type: 'file',
      webkitdirectory: true,
      hidden: true,
      testid: 'class-folder',
    });
    const zone = h(
      'div',
      { class: 'dropzone small', testid: 'class-drop' },
      'Drop images or a folder, or ',
      h('button', { type: 'button', onclick: () => fileInput.click() }, 'images'),
      ' ',
      h('button', { type: 'button', onclick: () => folderInput.click() }, 'a folder'),
    );
    const entry: ClassEntry = {
      element: h('div', { class: 'class-row', testid: 'class' }),
      name,
      files: [],
      messages: h('ul', { class: 'messages', testid: 'class-messages' }),
      count: h('span', { class: 'count', testid: 'class-count' }),
      thumbs: h('span', { class: 'thumbs' }),
      error: h('p', { class: 'error', testid: 'class-error', hidden: true, role: 'alert' }),
    };
    for (const input of [fileInput, folderInput]) {
      input.addEventListener(
        'change',
        () => void addFiles(entry, filesFromInput(input)).then(() => (input.value = '')),
      );
    }
    makeDropZone(zone, ({ files: dropped }) => void addFiles(entry, dropped));
    const remove = h(
      'button',
      {
        type: 'button',
        class: 'link',
        testid: 'class-remove',
        onclick: () => {
          entries.splice(entries.indexOf(entry), 1);
          entry.element.remove();
        },
      },
      'remove',
    );
    const clear = h(
      'button',
      {
        type: 'button',
        class: 'link',
        onclick: () => {
          entry.files = [];
          replace(entry.messages);
          render(entry);
        },
      },
      'clear',
    );
    entry.element.append(
      h('div', { class: 'class-head' }, name, entry.count, clear, remove),
      zone,
      fileInput,
      folderInput,
      entry.thumbs,
      entry.error,
      entry.messages,
    );
    entries.push(entry);
    list.append(entry.element);
    render(entry);
    if (files.length > 0) void addFiles(entry, files);
    return entry;
  };

  const foldersZone = h(
    'div',
    { class: 'dropzone', testid: 'classes-drop' },
    'Or drop one folder per class here (each folder becomes a class named after it).',
  );
  makeDropZone(foldersZone, ({ files }) => {
    const groups = groupByTopFolder(files);
    if (groups.size === 0)
      return showError(listError, 'Drop folders here, one per class; single images go onto a class above.');
    showError(listError, undefined);
    for (const [folder, group] of groups) {
      const existing = entries.find((e) => e.name.value.trim() === folder);
      if (existing) void addFiles(existing, group);
      else add(folder, group);
    }
  });

  add('class-1');
  add('class-2');
  const addButton = h(
    'button',
    { type: 'button', testid: 'add-class', onclick: () => add(`class-${entries.length + 1}`).name.focus() },
    '+ add a class',
  );
  const element = h(
    'section',
    { class: 'card', testid: 'classes-card' },
    h('h2', {}, 'Classes'),
    list,
    addButton,
    foldersZone,
    listError,
  );

  return {
    element,
    /** The classes to train on, or undefined after showing what is wrong next to each offending class. */
    collect(): { label: string; files: { name: string; blob: Blob }[] }[] | undefined {
      let ok = true;
      showError(listError, undefined);
      const names = entries.map((e) => e.name.value.trim());
      entries.forEach((entry, i) => {
        const name = names[i] as string;
        let problem: string | undefined;
        if (name === '') problem = 'Name this class.';
        else if (names.indexOf(name) !== i) problem = `Another class is already named "${name}".`;
        else if (entry.files.length === 0)
          problem = `Class "${name}" has no images; drop at least 2 into it.`;
        else if (entry.files.length === 1)
          problem = `Class "${name}" has 1 image; each class needs at least 2 (one is held out for validation).`;
        showError(entry.error, problem);
        if (problem) ok = false;
      });
      if (entries.length < 2) {
        showError(
          listError,
          entries.length === 1
            ? `Only one class ("${names[0] || 'unnamed'}"): a classifier needs at least 2; add another class.`
            : 'Add at least 2 classes.',
        );
        ok = false;
      }
      if (!ok) return undefined;
      return entries.map((e, i) => ({
        label: names[i] as string,
        files: e.files.map((f) => ({ name: f.path, blob: f.file })),
      }));
    },
    /** Shows per-file problems found while training (corrupt images, say) next to their class. */
    note(label: string, name: string, message: string) {
      const entry = entries.find((e) => e.name.value.trim() === label);
      const target = entry?.messages ?? listError;
      target.hidden = false;
      target.append(h('li', { testid: 'class-message', 'data-file': name }, message));
    },
  };
}
