import { describe, expect, it } from 'vitest';
import { splitFirstRecord } from './csv-header.js';
import { detectFormat } from './formats.js';
import { isCategorical } from './column-types.js';
import { quoteIdent, quoteLiteral } from './sql.js';

const file = (path: string, text: string | Buffer): { path: string; sizeBytes: number; head: Buffer } => {
  const head = typeof text === 'string' ? Buffer.from(text) : text;
  return { path, sizeBytes: head.length, head };
};

describe('detectFormat', () => {
  it('uses magic bytes, then the extension, then the content', () => {
    expect(detectFormat(file('x.csv', Buffer.from('PAR1....')))).toBe('parquet');
    expect(detectFormat(file('x.bin', Buffer.from('ARROW1\0\0')))).toBe('arrow');
    expect(detectFormat(file('x', Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0])))).toBe('arrow');
    expect(detectFormat(file('x.tsv', 'a\tb\n'))).toBe('tsv');
    expect(detectFormat(file('x.json', '  [{"a":1}]'))).toBe('json');
    expect(detectFormat(file('x.json', '{"a":1}\n{"a":2}\n'))).toBe('jsonl');
    expect(detectFormat(file('x.json', '{\n  "a": 1\n}\n'))).toBe('json');
    expect(detectFormat(file('x.txt', 'a,b\n1,2\n'))).toBe('csv');
    expect(detectFormat(file('x.csv', 'a,b\n'), 'tsv')).toBe('tsv');
  });
});

describe('splitFirstRecord', () => {
  it('honours quotes, escaped quotes and newlines inside quotes', () => {
    expect(splitFirstRecord('a,"b,c","d""e"\n1,2,3', ',')).toEqual(['a', 'b,c', 'd"e']);
    expect(splitFirstRecord('"multi\nline",x\r\n', ',')).toEqual(['multi\nline', 'x']);
    expect(splitFirstRecord('"unclosed,x', ',')).toBeUndefined();
  });
});

describe('sql quoting and the categorical rule', () => {
  it('quotes identifiers and literals', () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteLiteral("/tmp/it's.parquet")).toBe("'/tmp/it''s.parquet'");
  });
  it('calls few repeated values categorical and unique ones text', () => {
    expect(isCategorical(5, 5_000_000)).toBe(true);
    expect(isCategorical(10, 10)).toBe(false);
    expect(isCategorical(2000, 5_000_000)).toBe(false);
    expect(isCategorical(60, 1000)).toBe(false);
  });
});
