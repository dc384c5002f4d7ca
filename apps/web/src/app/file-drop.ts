/** A file picked or dropped, with its path inside the folder it came in (or just its name). */
export interface PickedFile {
  path: string;
  file: File;
}

async function walk(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push({ path: entry.fullPath.replace(/^\//, ''), file });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries hands out at most ~100 entries per call; an empty batch means the folder is done.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, out);
  }
}

/** Every file of a drop, folders walked recursively; also the names of the top-level folders dropped. */
export async function filesFromDrop(
  transfer: DataTransfer,
): Promise<{ files: PickedFile[]; folders: string[] }> {
  const entries = [...transfer.items]
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0)
    return { files: [...transfer.files].map((file) => ({ path: file.name, file })), folders: [] };
  const files: PickedFile[] = [];
  for (const entry of entries) await walk(entry, files);
  return { files, folders: entries.filter((e) => e.isDirectory).map((e) => e.name) };
}

/** The files an <input type=file> holds, with folder-relative paths for `webkitdirectory` inputs. */
export function filesFromInput(input: HTMLInputElement): PickedFile[] {
  return [...(input.files ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/** Files grouped by their top folder, for drops of one folder per class. */
export function groupByTopFolder(files: readonly PickedFile[]): Map<string, PickedFile[]> {
  const groups = new Map<string, PickedFile[]>();
  for (const f of files) {
    const slash = f.path.indexOf('/');
    if (slash < 0) continue;
    const folder = f.path.slice(0, slash);
    groups.set(folder, [...(groups.get(folder) ?? []), f]);
  }
  return groups;
}

/** Hidden files and OS clutter (.DS_Store, Thumbs.db) that no one means to train on. */
export function isClutter(path: string): boolean {
  const name = path.split('/').pop() ?? path;
  return name.startsWith('.') || name === 'Thumbs.db' || name === 'desktop.ini';
}

/** Makes `zone` accept drops (highlighted while dragging over it) and hands them to `onDrop`. */
export function makeDropZone(
  zone: HTMLElement,
  onDrop: (drop: { files: PickedFile[]; folders: string[] }) => void,
): void {
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    if (event.dataTransfer) void filesFromDrop(event.dataTransfer).then(onDrop);
  });
}
