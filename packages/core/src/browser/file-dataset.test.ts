import { describe, expect, test } from 'vitest';
import { createFileDataset } from './file-dataset.ts';

const file = (name: string, text = name) => ({ name, blob: new Blob([text]) });

describe('createFileDataset', () => {
  test('sorts labels, keeps file order within a class, and reads bytes lazily', async () => {
    const dataset = createFileDataset({
      name: 'pets',
      classes: [
        { label: ' dog ', files: [file('b.png'), file('a.png')] },
        { label: 'cat', files: [file('c.png', 'meow')] },
      ],
    });
    expect(dataset.labels).toEqual(['cat', 'dog']);
    expect(dataset.samples.map((s) => s.id)).toEqual(['cat/c.png', 'dog/b.png', 'dog/a.png']);
    expect(dataset.source).toBe('browser:pets');
    const content = await dataset.samples[0]!.read();
    expect(content.kind === 'encoded' && new TextDecoder().decode(content.bytes)).toBe('meow');
  });

  test('refuses empty, unnamed and duplicate classes by name', () => {
    expect(() => createFileDataset({ name: 'x', classes: [{ label: 'cat', files: [] }] })).toThrow(
      /Class "cat" has no images/,
    );
    expect(() => createFileDataset({ name: 'x', classes: [{ label: '  ', files: [file('a')] }] })).toThrow(
      /has no name/,
    );
    expect(() =>
      createFileDataset({
        name: 'x',
        classes: [
          { label: 'a', files: [file('1')] },
          { label: 'a ', files: [file('2')] },
        ],
      }),
    ).toThrow(/Two classes are named "a"/);
  });
});
