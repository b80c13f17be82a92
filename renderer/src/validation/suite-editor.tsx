import { useState } from 'react';
import type { DatasetVersion } from '../../../core/contract/schemas.js';
import type { CheckKind } from '../../../core/contract/validation.js';
import { useApp } from '../store/app-store.js';
import type { SuiteEditor as SuiteEditorState } from '../store/validation-slice.js';
import { checkKindLabels, checkKinds, defaultCheck, definitionProblems } from './check-fields.js';
import { CheckRow } from './check-row.js';
import { SuiteFileView } from './suite-file-view.js';

type EditorMode = 'form' | 'yaml';

/** The checks of the suite being edited, as a form or as its YAML file. */
export function SuiteEditor({ editor, version }: { editor: SuiteEditorState; version: DatasetVersion }) {
  const updateCheck = useApp((state) => state.updateCheck);
  const addCheck = useApp((state) => state.addCheck);
  const removeCheck = useApp((state) => state.removeCheck);
  const replaceDefinition = useApp((state) => state.replaceDefinition);
  const [mode, setMode] = useState<EditorMode>('form');
  const [newKind, setNewKind] = useState<CheckKind>('completeness');

  const columns = version.columns.filter((column) => column.name !== version.rowIdColumn);
  const { checks } = editor.definition;
  const problems = definitionProblems(editor.definition);

  return (
    <section className="suite-editor" aria-label="Suite checks" data-testid="suite-editor">
      <div className="suite-editor-header">
        <h3>
          Checks <span className="muted">({checks.length})</span>
        </h3>
        <div className="segmented" role="group" aria-label="Edit the suite as">
          <button
            type="button"
            aria-pressed={mode === 'form'}
            data-testid="suite-mode-form"
            onClick={() => setMode('form')}
          >
            Form
          </button>
          <button
            type="button"
            aria-pressed={mode === 'yaml'}
            data-testid="suite-mode-yaml"
            onClick={() => setMode('yaml')}
          >
            YAML
          </button>
        </div>
      </div>
      {mode === 'yaml' ? (
        <SuiteFileView
          definition={editor.definition}
          onApply={(definition) => {
            replaceDefinition(editor.datasetId, definition);
            setMode('form');
          }}
        />
      ) : (
        <>
          {problems.length > 0 && (
            <ul className="suite-problems" data-testid="suite-problems">
              {problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          )}
          <ol className="check-list" data-testid="check-list">
            {checks.map((check, index) => (
              <CheckRow
                key={editor.checkKeys[index] ?? index}
                check={check}
                index={index}
                columns={columns}
                onChange={(next) => updateCheck(index, next)}
                onRemove={() => removeCheck(index)}
              />
            ))}
          </ol>
          <div className="add-check">
            <select
              aria-label="Kind of check to add"
              data-testid="add-check-kind"
              value={newKind}
              onChange={(event) => setNewKind(event.target.value as CheckKind)}
            >
              {checkKinds.map((kind) => (
                <option key={kind} value={kind}>
                  {checkKindLabels[kind]}
                </option>
              ))}
            </select>
            <button
              type="button"
              data-testid="add-check"
              onClick={() => addCheck(defaultCheck(newKind, columns[0] ?? null))}
            >
              Add check
            </button>
          </div>
        </>
      )}
    </section>
  );
}
