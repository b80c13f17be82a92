import type { ReactNode } from 'react';
import type { Column } from '../../../core/contract/schemas.js';
import { columnTypes } from '../../../core/contract/schemas.js';
import type { Check, CheckKind } from '../../../core/contract/validation.js';
import {
  changeKind,
  checkColumn,
  checkKindLabels,
  checkKinds,
  checkLabel,
  formatList,
  formatOptional,
  parseBound,
  parseNames,
  parseNumber,
  parseOptionalNumber,
  parseRequiredText,
  parseValues,
} from './check-fields.js';
import { DraftField } from './draft-field.js';

export interface CheckRowProps {
  readonly check: Check;
  readonly index: number;
  readonly columns: readonly Column[];
  onChange(check: Check): void;
  onRemove(): void;
}

const optionalInteger = (text: string) => parseOptionalNumber(text, true);

function ColumnSelect({
  value,
  columns,
  onChange,
}: {
  value: string;
  columns: readonly Column[];
  onChange(column: string): void;
}) {
  // A column named by a file but absent from this version stays selectable (and will fail the run).
  const names = columns.map((column) => column.name);
  if (value !== '' && !names.includes(value)) names.unshift(value);
  return (
    <select
      aria-label="Column"
      data-testid="check-column"
      value={value}
      onChange={(event) => onChange(event.target.value)}
    >
      {value === '' && <option value="">Choose a column</option>}
      {names.map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </select>
  );
}

function Labelled({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="check-param">
      <span className="check-param-label">{label}</span>
      {children}
    </label>
  );
}

/** The inputs of one check's own settings (thresholds, values, test). */
function CheckParams({ check, columns, onChange }: Omit<CheckRowProps, 'index' | 'onRemove'>) {
  const columnType = columns.find((column) => column.name === checkColumn(check))?.type ?? null;
  switch (check.kind) {
    case 'columns_present':
    case 'unique':
      return (
        <Labelled label="columns">
          <DraftField
            value={check.columns}
            label="Columns"
            testId="check-param-columns"
            className="wide-field"
            placeholder="a, b, c"
            format={(value) => value.join(', ')}
            parse={parseNames}
            onCommit={(value) => onChange({ ...check, columns: value })}
          />
        </Labelled>
      );
    case 'column_type':
      return (
        <Labelled label="type">
          <select
            aria-label="Expected type"
            data-testid="check-param-type"
            value={check.type}
            onChange={(event) => onChange({ ...check, type: event.target.value as typeof check.type })}
          >
            {columnTypes.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </Labelled>
      );
    case 'completeness':
      return (
        <Labelled label="max missing share">
          <DraftField
            value={check.maxMissingShare}
            label="Largest share of missing values (0–1)"
            testId="check-param-maxMissingShare"
            className="number-field"
            format={String}
            parse={parseNumber}
            onCommit={(value) => onChange({ ...check, maxMissingShare: value })}
          />
        </Labelled>
      );
    case 'range':
      return (
        <>
          <Labelled label="min">
            <DraftField
              value={check.min}
              label="Smallest allowed value"
              testId="check-param-min"
              className="number-field"
              placeholder="none"
              format={formatOptional}
              parse={parseBound}
              onCommit={(value) => onChange(withOptional(check, 'min', value))}
            />
          </Labelled>
          <Labelled label="max">
            <DraftField
              value={check.max}
              label="Largest allowed value"
              testId="check-param-max"
              className="number-field"
              placeholder="none"
              format={formatOptional}
              parse={parseBound}
              onCommit={(value) => onChange(withOptional(check, 'max', value))}
            />
          </Labelled>
        </>
      );
    case 'allowed_values':
      return (
        <Labelled label="values">
          <DraftField
            value={check.values}
            label="Allowed values"
            testId="check-param-values"
            className="wide-field"
            placeholder="a, b, c"
            format={formatList}
            parse={(text) => parseValues(text, columnType)}
            onCommit={(value) => onChange({ ...check, values: value })}
          />
        </Labelled>
      );
    case 'pattern':
      return (
        <Labelled label="regex">
          <DraftField
            value={check.regex}
            label="Regular expression every value must match"
            testId="check-param-regex"
            className="wide-field"
            format={String}
            parse={parseRequiredText}
            onCommit={(value) => onChange({ ...check, regex: value })}
          />
        </Labelled>
      );
    case 'no_duplicate_rows':
      return <span className="muted check-param">every column</span>;
    case 'row_count':
      return (
        <>
          <Labelled label="min">
            <DraftField
              value={check.min}
              label="Fewest rows"
              testId="check-param-min"
              className="number-field"
              placeholder="none"
              format={formatOptional}
              parse={optionalInteger}
              onCommit={(value) => onChange(withOptional(check, 'min', value))}
            />
          </Labelled>
          <Labelled label="max">
            <DraftField
              value={check.max}
              label="Most rows"
              testId="check-param-max"
              className="number-field"
              placeholder="none"
              format={formatOptional}
              parse={optionalInteger}
              onCommit={(value) => onChange(withOptional(check, 'max', value))}
            />
          </Labelled>
        </>
      );
    case 'class_balance':
      return (
        <>
          <Labelled label="min share">
            <DraftField
              value={check.minShare}
              label="Smallest share of any class (0–1)"
              testId="check-param-minShare"
              className="number-field"
              placeholder="none"
              format={formatOptional}
              parse={(text) => parseOptionalNumber(text)}
              onCommit={(value) => onChange(withOptional(check, 'minShare', value))}
            />
          </Labelled>
          <Labelled label="max share">
            <DraftField
              value={check.maxShare}
              label="Largest share of any class (0–1)"
              testId="check-param-maxShare"
              className="number-field"
              placeholder="none"
              format={formatOptional}
              parse={(text) => parseOptionalNumber(text)}
              onCommit={(value) => onChange(withOptional(check, 'maxShare', value))}
            />
          </Labelled>
        </>
      );
    case 'label_coverage':
      return (
        <Labelled label="min share">
          <DraftField
            value={check.minShare}
            label="Smallest share of labelled rows (0–1)"
            testId="check-param-minShare"
            className="number-field"
            format={String}
            parse={parseNumber}
            onCommit={(value) => onChange({ ...check, minShare: value })}
          />
        </Labelled>
      );
    case 'distribution':
      return (
        <>
          <Labelled label="test">
            <select
              aria-label="Statistical test"
              data-testid="check-param-test"
              value={check.test}
              onChange={(event) => onChange({ ...check, test: event.target.value as typeof check.test })}
            >
              <option value="ks">KS</option>
              <option value="chi2">chi²</option>
              <option value="psi">PSI</option>
            </select>
          </Labelled>
          <Labelled label={check.test === 'psi' ? 'max PSI' : 'min p-value'}>
            <DraftField
              value={check.threshold}
              label={check.test === 'psi' ? 'Fail when PSI is above' : 'Fail when the p-value is below'}
              testId="check-param-threshold"
              className="number-field"
              format={String}
              parse={parseNumber}
              onCommit={(value) => onChange({ ...check, threshold: value })}
            />
          </Labelled>
        </>
      );
  }
}

/** The check on another column; an id that only said `kind:column` would now mislead, so it goes. */
function withColumn(check: Check, column: string): Check {
  const { id, ...rest } = check;
  const keepId = id !== undefined && id !== checkLabel({ ...rest } as Check);
  return { ...(keepId ? { id } : {}), ...rest, column } as Check;
}

/** Sets an optional field, leaving it out entirely when empty (`exactOptionalPropertyTypes`-safe). */
function withOptional<C extends Check, K extends keyof C>(check: C, key: K, value: C[K] | undefined): C {
  const next = { ...check };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** One check: kind, column, its settings, severity, remove. */
export function CheckRow({ check, index, columns, onChange, onRemove }: CheckRowProps) {
  const column = checkColumn(check);
  const label = checkLabel(check);
  return (
    <li className="check-row" data-testid="check-row" data-check-id={label} data-kind={check.kind}>
      <span className="check-index muted">{index + 1}</span>
      <select
        aria-label={`Kind of check ${index + 1}`}
        data-testid="check-kind"
        value={check.kind}
        onChange={(event) => onChange(changeKind(check, event.target.value as CheckKind, columns))}
      >
        {checkKinds.map((kind) => (
          <option key={kind} value={kind}>
            {checkKindLabels[kind]}
          </option>
        ))}
      </select>
      <span className="check-column-cell">
        {column !== null ? (
          <ColumnSelect
            value={column}
            columns={columns}
            onChange={(name) => onChange(withColumn(check, name))}
          />
        ) : (
          <span className="muted">—</span>
        )}
      </span>
      <span className="check-params">
        <CheckParams check={check} columns={columns} onChange={onChange} />
      </span>
      <select
        aria-label={`Severity of check ${index + 1}`}
        data-testid="check-severity"
        data-severity={check.severity}
        value={check.severity}
        onChange={(event) => onChange({ ...check, severity: event.target.value as Check['severity'] })}
      >
        <option value="error">error</option>
        <option value="warning">warning</option>
      </select>
      <button
        type="button"
        className="icon-button"
        aria-label={`Remove check ${index + 1} (${label})`}
        title="Remove this check"
        data-testid="check-remove"
        onClick={onRemove}
      >
        ×
      </button>
    </li>
  );
}
