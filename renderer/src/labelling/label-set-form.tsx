import { useState } from 'react';
import type { FormEvent } from 'react';
import { LabelSetDefinition, labelTasks } from '../../../core/contract/labels.js';
import type { LabelClass, LabelTask } from '../../../core/contract/labels.js';
import type { DatasetVersion } from '../../../core/contract/schemas.js';
import { useApp } from '../store/app-store.js';
import { hotkeyOrder, nextClass } from './palette.js';

const taskNames: Record<LabelTask, string> = {
  single: 'One class',
  multi: 'Any classes',
  score: 'A score',
};

const noColumn = '';

function startingClasses(): LabelClass[] {
  const first = nextClass([]);
  return [first, nextClass([first])];
}

/** What the engine would say about the definition, said before it is sent. */
function problemsOf(definition: LabelSetDefinition): string[] {
  const parsed = LabelSetDefinition.safeParse(definition);
  if (parsed.success) return [];
  const unnamed = (index: unknown): boolean =>
    typeof index === 'number' && (definition.classes?.[index]?.name.trim() ?? '') === '';
  const issues = parsed.error.issues.filter(
    // Two empty names "appear twice"; "needs a name" already says what to do.
    (issue) =>
      !(
        issue.path[0] === 'classes' &&
        issue.path[2] === 'name' &&
        issue.code === 'custom' &&
        unnamed(issue.path[1])
      ),
  );
  return issues.map((issue) => {
    const [head, index, field] = issue.path;
    if (head === 'classes' && typeof index === 'number' && field === 'name' && issue.code === 'too_small')
      return `Class ${index + 1} needs a name.`;
    if (head === 'classes' && typeof index === 'number')
      return `Class ${index + 1}${field ? ` (${String(field)})` : ''}: ${issue.message}`;
    return issue.path.length > 0 ? `${issue.path.map(String).join(' ')}: ${issue.message}` : issue.message;
  });
}

/** Make a label set on this version: name, task, classes with colour and hotkey, instructions, columns. */
export function LabelSetForm({
  version,
  onCreated,
  onCancel,
}: {
  version: DatasetVersion;
  onCreated(): void;
  onCancel: (() => void) | null;
}) {
  const createLabelSet = useApp((state) => state.createLabelSet);
  const isImages = version.source.format === 'images';
  const textColumns = version.columns.filter(
    (column) => column.type === 'text' || column.type === 'categorical',
  );
  const suggestionColumns = version.columns.filter((column) => column.name !== version.rowIdColumn);
  const [name, setName] = useState('Labels');
  const [task, setTask] = useState<LabelTask>('single');
  const [classes, setClasses] = useState<LabelClass[]>(startingClasses);
  const [score, setScore] = useState({ min: '1', max: '5', step: '1' });
  const [instructions, setInstructions] = useState('');
  const [textColumn, setTextColumn] = useState(
    isImages ? noColumn : (version.columns.find((column) => column.type === 'text')?.name ?? noColumn),
  );
  const [suggestionColumn, setSuggestionColumn] = useState(
    isImages && version.columns.some((column) => column.name === 'folder') ? 'folder' : noColumn,
  );
  const [busy, setBusy] = useState(false);

  const definition: LabelSetDefinition = {
    name,
    task,
    classes: task === 'score' ? [] : classes,
    ...(task === 'score'
      ? { score: { min: Number(score.min), max: Number(score.max), step: Number(score.step) } }
      : {}),
    instructions,
    ...(textColumn !== noColumn ? { textColumn } : {}),
    ...(suggestionColumn !== noColumn && task !== 'score' ? { suggestionColumn } : {}),
  };
  const problems = problemsOf(definition);

  const editClass = (index: number, change: Partial<LabelClass>): void =>
    setClasses((old) => old.map((entry, i) => (i === index ? { ...entry, ...change } : entry)));

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (problems.length > 0 || busy) return;
    setBusy(true);
    const created = await createLabelSet(version.id, definition);
    setBusy(false);
    if (created) onCreated();
  };

  return (
    <form className="label-set-form" data-testid="label-set-form" onSubmit={(event) => void submit(event)}>
      <h2>New label set on v{version.number}</h2>
      <div className="form-row">
        <label className="field">
          <span>Name</span>
          <input
            type="text"
            maxLength={120}
            value={name}
            data-testid="label-set-name"
            onChange={(event) => setName(event.target.value)}
          />
        </label>
        <div className="field">
          <span>Each item gets</span>
          <div className="segmented" role="group" aria-label="Task">
            {labelTasks.map((entry) => (
              <button
                key={entry}
                type="button"
                aria-pressed={task === entry}
                data-testid={`label-task-${entry}`}
                onClick={() => setTask(entry)}
              >
                {taskNames[entry]}
              </button>
            ))}
          </div>
        </div>
      </div>
      {task === 'score' ? (
        <div className="form-row">
          {(['min', 'max', 'step'] as const).map((key) => (
            <label key={key} className="field">
              <span>{key === 'min' ? 'Lowest' : key === 'max' ? 'Highest' : 'Step'}</span>
              <input
                type="number"
                className="number-field"
                value={score[key]}
                data-testid={`label-score-${key}`}
                onChange={(event) => setScore((old) => ({ ...old, [key]: event.target.value }))}
              />
            </label>
          ))}
        </div>
      ) : (
        <fieldset className="class-editor">
          <legend>Classes (hotkey, colour, name)</legend>
          {classes.map((entry, index) => (
            <div key={index} className="class-editor-row" data-testid="class-row">
              <input
                type="text"
                className="hotkey-field"
                maxLength={1}
                aria-label={`Hotkey of class ${index + 1}`}
                value={entry.hotkey}
                data-testid={`class-hotkey-${index}`}
                onChange={(event) => editClass(index, { hotkey: event.target.value.toLowerCase() })}
              />
              <input
                type="color"
                aria-label={`Colour of class ${index + 1}`}
                value={entry.color}
                data-testid={`class-color-${index}`}
                onChange={(event) => editClass(index, { color: event.target.value })}
              />
              <input
                type="text"
                maxLength={80}
                placeholder={`Class ${index + 1}`}
                aria-label={`Name of class ${index + 1}`}
                value={entry.name}
                data-testid={`class-name-${index}`}
                onChange={(event) => editClass(index, { name: event.target.value })}
              />
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove class ${index + 1}`}
                disabled={classes.length <= 2}
                onClick={() => setClasses((old) => old.filter((_entry, i) => i !== index))}
              >
                ×
              </button>
            </div>
          ))}
          <button
            type="button"
            disabled={classes.length >= hotkeyOrder.length}
            data-testid="add-class"
            onClick={() => setClasses((old) => [...old, nextClass(old)])}
          >
            Add class
          </button>
        </fieldset>
      )}
      <div className="form-row">
        {!isImages && (
          <label className="field">
            <span>Text shown large</span>
            <select
              value={textColumn}
              data-testid="label-text-column"
              onChange={(event) => setTextColumn(event.target.value)}
            >
              <option value={noColumn}>(none: show the whole row)</option>
              {textColumns.map((column) => (
                <option key={column.name} value={column.name}>
                  {column.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {task !== 'score' && (
          <label className="field">
            <span>Suggest from column</span>
            <select
              value={suggestionColumn}
              data-testid="label-suggestion-column"
              onChange={(event) => setSuggestionColumn(event.target.value)}
            >
              <option value={noColumn}>(no suggestion)</option>
              {suggestionColumns.map((column) => (
                <option key={column.name} value={column.name}>
                  {column.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <label className="field">
        <span>Instructions for annotators</span>
        <textarea
          rows={3}
          maxLength={20_000}
          value={instructions}
          data-testid="label-instructions"
          onChange={(event) => setInstructions(event.target.value)}
        />
      </label>
      {problems.length > 0 && (
        <ul className="suite-problems" data-testid="label-set-problems">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      <div className="dialog-buttons">
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button
          type="submit"
          className="primary"
          disabled={problems.length > 0 || busy}
          data-testid="create-label-set"
        >
          {busy ? 'Creating…' : 'Create label set'}
        </button>
      </div>
    </form>
  );
}
