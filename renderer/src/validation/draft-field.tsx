import { useState } from 'react';
import type { Parsed } from './check-fields.js';

export interface DraftFieldProps<T> {
  readonly value: T;
  readonly label: string;
  readonly testId: string;
  readonly format: (value: T) => string;
  readonly parse: (text: string) => Parsed<T>;
  onCommit(value: T): void;
  readonly placeholder?: string;
  readonly className?: string;
}

function same(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A text input over a typed value: what the user types stays as typed ("0.", "12, 4") and is
 * committed whenever it parses; text that does not parse is marked invalid and not committed.
 * A value changed from outside (the YAML view) replaces the text.
 */
export function DraftField<T>(props: DraftFieldProps<T>) {
  const { value, format, parse } = props;
  const [text, setText] = useState(() => format(value));
  const [seen, setSeen] = useState(value);
  if (!same(seen, value)) {
    setSeen(value);
    const parsed = parse(text);
    if (!parsed.ok || !same(parsed.value, value)) setText(format(value));
  }
  const valid = parse(text).ok;
  return (
    <input
      type="text"
      className={props.className}
      aria-label={props.label}
      aria-invalid={!valid}
      title={valid ? props.label : `${props.label}: not a valid value`}
      placeholder={props.placeholder}
      data-testid={props.testId}
      value={text}
      onChange={(event) => {
        const next = event.target.value;
        setText(next);
        const parsed = parse(next);
        if (parsed.ok) props.onCommit(parsed.value);
      }}
    />
  );
}
