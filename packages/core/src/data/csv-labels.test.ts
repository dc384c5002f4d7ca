import { describe, expect, test } from 'vitest';
import { parseCsvLabels } from './csv-labels.ts';

describe('parseCsvLabels', () => {
  test('reads rows without a header, trimming fields and skipping blank lines', () => {
    const expected = [
      { file: 'a.png', label: 'cat', line: 1 },
      { file: 'b.jpg', label: 'dog', line: 3 },
      { file: 'c, d.png', label: 'cat', line: 4 },
    ];
    expect(parseCsvLabels({ text: 'a.png, cat\n\n  b.jpg ,dog \n"c, d.png",cat\n' })).toEqual(expected);
    expect(parseCsvLabels({ text: 'a.png, cat\r\n ,  \r\n  b.jpg ,dog \r\n"c, d.png",cat' })).toEqual(
      expected,
    );
  });

  test('detects a header row and finds the columns by name', () => {
    expect(parseCsvLabels({ text: 'filename,label\nx.png,1\n' })).toEqual([
      { file: 'x.png', label: '1', line: 2 },
    ]);
    expect(parseCsvLabels({ text: 'id,label\nx.png,1\n' })).toEqual([{ file: 'x.png', label: '1', line: 2 }]);
    expect(parseCsvLabels({ text: '\ufeffClass,Notes,File\nbird,blurry,y.png\n' })).toEqual([
      { file: 'y.png', label: 'bird', line: 2 },
    ]);
  });

  test('accepts UTF-8 bytes', () => {
    const bytes = new TextEncoder().encode('filename,label\nçà.png,é\n');
    expect(parseCsvLabels({ text: bytes })).toEqual([{ file: 'çà.png', label: 'é', line: 2 }]);
  });

  test('a row with a missing field is DATASET_INVALID naming the line', () => {
    expect(() => parseCsvLabels({ text: 'filename,label\na.png,cat\nb.png\n', name: 'labels.csv' })).toThrow(
      expect.objectContaining({
        code: 'DATASET_INVALID',
        message: 'CSV "labels.csv" line 3 has no label: "b.png"; each row needs filename,label.',
      }),
    );
    expect(() => parseCsvLabels({ text: 'a.png,cat\n,dog\n' })).toThrow(/line 2 has no file name/);
  });

  test('malformed CSV is DATASET_INVALID', () => {
    expect(() => parseCsvLabels({ text: 'a.png,"cat\n', name: 'bad.csv' })).toThrow(
      expect.objectContaining({
        code: 'DATASET_INVALID',
        message: expect.stringContaining('Cannot read CSV "bad.csv"'),
      }),
    );
  });
});
