import { LineCounter, parseDocument, stringify } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { InvalidInputError } from '../contract/errors.js';
import { SuiteDefinition } from '../contract/validation.js';
import type { Check } from '../contract/validation.js';

/**
 * Suite files: a `SuiteDefinition` as YAML (`.yaml`/`.yml`) or JSON (`.json`), kept in a repository
 * next to the code that trains on the data. Errors name the file, the line and the field
 * (`suite.yaml:14: checks[3].maxMissingShare: expected a number ≤ 1`) so they can be fixed in an editor.
 */

export type SuiteFileFormat = 'yaml' | 'json';

/** The format a file name asks for; anything but `.json` is read as YAML (JSON is valid YAML anyway). */
export function suiteFileFormat(fileName: string): SuiteFileFormat {
  return /\.json$/i.test(fileName) ? 'json' : 'yaml';
}

/** Parses and validates a suite file; throws `InvalidInputError` listing every problem. */
export function parseSuiteFile(text: string, fileName: string): SuiteDefinition {
  const format = suiteFileFormat(fileName);
  const lineCounter = new LineCounter();
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (error) {
      throw new InvalidInputError(jsonErrorText(error, text, fileName), { file: fileName });
    }
  }
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const line = lineCounter.linePos(error.pos[0]).line;
      return `${fileName}:${line}: ${firstLine(error.message)}`;
    });
    throw new InvalidInputError(problems.join('\n'), { file: fileName, problems });
  }
  const value: unknown = document.toJS();
  const parsed = SuiteDefinition.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const line = lineOf(document.contents, issue.path, lineCounter);
    const where = line === undefined ? fileName : `${fileName}:${line}`;
    const field = fieldPath(issue.path);
    return `${where}: ${field === '' ? '' : `${field}: `}${issueText(issue)}`;
  });
  throw new InvalidInputError(problems.join('\n'), { file: fileName, problems });
}

/** Writes a suite as a file: `kind` first in each check, the default severity left out. */
export function formatSuiteFile(definition: SuiteDefinition, format: SuiteFileFormat): string {
  const ordered: Record<string, unknown> = { name: definition.name };
  if (definition.description !== undefined) ordered['description'] = definition.description;
  if (definition.referenceVersionId !== undefined)
    ordered['referenceVersionId'] = definition.referenceVersionId;
  ordered['checks'] = definition.checks.map(orderedCheck);
  return format === 'json' ? `${JSON.stringify(ordered, null, 2)}\n` : stringify(ordered, { lineWidth: 0 });
}

function orderedCheck(check: Check): Record<string, unknown> {
  const { kind, id, severity, ...rest } = check;
  const out: Record<string, unknown> = { kind };
  if (id !== undefined) out['id'] = id;
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) out[key] = value;
  if (severity !== 'error') out['severity'] = severity;
  return out;
}

/** `['checks', 3, 'maxMissingShare']` → `checks[3].maxMissingShare`. */
function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

/** The 1-based line of the deepest node on `path` that exists in the document. */
function lineOf(root: unknown, path: readonly PropertyKey[], lineCounter: LineCounter): number | undefined {
  let node = root as YamlNode | null | undefined;
  let line = rangeLine(node, lineCounter);
  for (const part of path) {
    const next = childOf(node, part);
    if (next === undefined) break;
    node = next;
    line = rangeLine(node, lineCounter) ?? line;
  }
  return line;
}

function childOf(node: unknown, key: PropertyKey): YamlNode | undefined {
  if (node === null || typeof node !== 'object' || !('items' in node) || !Array.isArray(node.items))
    return undefined;
  const items = node.items as unknown[];
  if (typeof key === 'number') return items[key] as YamlNode | undefined;
  for (const pair of items) {
    if (pair === null || typeof pair !== 'object' || !('key' in pair)) continue;
    const pairKey = pair.key as { value?: unknown } | null;
    if (pairKey !== null && String(pairKey.value) === String(key)) {
      const value = (pair as { value?: unknown }).value;
      // A key with no value still has a line: point at the key.
      return (value ?? pairKey) as YamlNode;
    }
  }
  return undefined;
}

function rangeLine(node: unknown, lineCounter: LineCounter): number | undefined {
  if (node === null || typeof node !== 'object' || !('range' in node) || !Array.isArray(node.range))
    return undefined;
  const start = node.range[0];
  return typeof start === 'number' ? lineCounter.linePos(start).line : undefined;
}

const typeWords: Readonly<Record<string, string>> = {
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  int: 'a whole number',
};

/** A zod issue in words a person editing the file reads. */
function issueText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_big':
      if (issue.origin === 'number' || issue.origin === 'int')
        return `expected a number ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}`;
      if (issue.origin === 'array') return `expected at most ${String(issue.maximum)} items`;
      return `expected at most ${String(issue.maximum)} characters`;
    case 'too_small':
      if (issue.origin === 'number' || issue.origin === 'int') {
        return `expected a number ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}`;
      }
      if (issue.origin === 'array')
        return `expected at least ${String(issue.minimum)} item${Number(issue.minimum) === 1 ? '' : 's'}`;
      return Number(issue.minimum) === 1
        ? 'must not be empty'
        : `expected at least ${String(issue.minimum)} characters`;
    case 'invalid_type':
      // zod leaves the input out of issues; its message still says what it received.
      return issue.message.endsWith('received undefined')
        ? `required (${typeWords[issue.expected] ?? issue.expected})`
        : `expected ${typeWords[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => `\`${key}\``).join(', ')}`;
    case 'invalid_union': {
      // A bad `kind`: zod lists the discriminator's options on the issue (not in its type).
      const options = (issue as { options?: unknown }).options;
      if (Array.isArray(options))
        return `expected one of ${options.map((option) => JSON.stringify(option)).join(', ')}`;
      return issue.message;
    }
    default:
      return issue.message;
  }
}

function jsonErrorText(error: unknown, text: string, fileName: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (position === null) return `${fileName}: not valid JSON: ${message}`;
  const line = text.slice(0, Number(position[1])).split('\n').length;
  return `${fileName}:${line}: not valid JSON: ${message}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
