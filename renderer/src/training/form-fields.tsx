import type { ReactNode } from 'react';
import type { TrainDraft } from './config-draft.js';

/** What each section of the training form gets: the draft and a way to change part of it. */
export interface DraftProps {
  readonly draft: TrainDraft;
  setDraft(change: Partial<TrainDraft>): void;
}

export const stoppingMetrics = [
  { value: 'val_loss', label: 'val loss' },
  { value: 'val_accuracy', label: 'val accuracy' },
  { value: 'val_auc', label: 'val AUC' },
  { value: 'val_rmse', label: 'val RMSE' },
] as const;

/** A labelled text input for a number or list typed as text; marked invalid when `valid` is false. */
export function TextField({
  label,
  value,
  onChange,
  testId,
  valid = true,
  hint,
  width,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  testId: string;
  valid?: boolean;
  hint?: string;
  width?: number;
}) {
  return (
    <label className="form-field" title={hint}>
      <span>{label}</span>
      <input
        type="text"
        value={value}
        aria-invalid={valid ? undefined : 'true'}
        data-testid={testId}
        style={width !== undefined ? { width } : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}

export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange(value: T): void;
  testId: string;
}) {
  return (
    <label className="form-field">
      <span>{label}</span>
      <select value={value} data-testid={testId} onChange={(event) => onChange(event.target.value as T)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function CheckField({
  label,
  checked,
  onChange,
  testId,
}: {
  label: string;
  checked: boolean;
  onChange(checked: boolean): void;
  testId: string;
}) {
  return (
    <label className="form-field checkbox-field">
      <input
        type="checkbox"
        checked={checked}
        data-testid={testId}
        onChange={(event) => onChange(event.target.checked)}
      />
      <span>{label}</span>
    </label>
  );
}

export function FormSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="form-section">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

/** True when `text` is a finite number within [min, max]. */
export function inRange(text: string, min: number, max: number): boolean {
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) && value >= min && value <= max;
}
