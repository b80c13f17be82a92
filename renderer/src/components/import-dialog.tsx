import { useModalDialog } from './use-modal-dialog.js';
import { columnTypes } from '../../../core/contract/schemas.js';
import type { ColumnType } from '../../../core/contract/schemas.js';
import { useApp } from '../store/app-store.js';

/** Shows how a file would import (columns and inferred types) and lets the user change types. */
export function ImportDialog() {
  const draft = useApp((state) => state.importDraft);
  const close = useApp((state) => state.closeImportDraft);
  const confirm = useApp((state) => state.confirmImport);
  const setColumnType = useApp((state) => state.setDraftColumnType);
  const setDatasetName = useApp((state) => state.setDraftDatasetName);

  const dialogRef = useModalDialog(draft !== null);

  return (
    <dialog
      ref={dialogRef}
      className="import-dialog"
      aria-labelledby="import-dialog-title"
      data-testid="import-dialog"
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      {draft && (
        <form
          method="dialog"
          onSubmit={(event) => {
            event.preventDefault();
            void confirm();
          }}
        >
          <h2 id="import-dialog-title">Import {draft.fileName}</h2>
          {draft.stage === 'preparing' ? (
            <p className="muted" data-testid="import-preparing">
              Reading the file…
            </p>
          ) : (
            <>
              <p className="muted">
                Format <strong data-testid="import-format">{draft.preview.format}</strong>,{' '}
                {draft.preview.columns.length} columns. Check the types Orchard inferred and change any that
                are wrong.
              </p>
              <label className="field">
                <span>Dataset name</span>
                <input
                  type="text"
                  maxLength={120}
                  value={draft.datasetName}
                  onChange={(event) => setDatasetName(event.target.value)}
                  data-testid="import-dataset-name"
                />
              </label>
              <div className="import-columns-scroll">
                <table className="import-columns" data-testid="import-columns">
                  <thead>
                    <tr>
                      <th scope="col">Column</th>
                      <th scope="col">Type</th>
                      <th scope="col">Sample</th>
                    </tr>
                  </thead>
                  <tbody>
                    {draft.preview.columns.map((column, index) => (
                      <tr key={column.name} data-testid="import-column" data-column={column.name}>
                        <th scope="row">{column.name}</th>
                        <td>
                          <select
                            aria-label={`Type of ${column.name}`}
                            value={draft.columnTypes[column.name] ?? column.type}
                            onChange={(event) => setColumnType(column.name, event.target.value as ColumnType)}
                            data-testid={`import-type-${column.name}`}
                          >
                            {columnTypes.map((type) => (
                              <option key={type} value={type}>
                                {type}
                                {type === column.type ? ' (inferred)' : ''}
                              </option>
                            ))}
                          </select>
                        </td>
                        <td className="muted sample-cell">
                          {draft.preview.sampleRows
                            .slice(0, 3)
                            .map((row) => row[index])
                            .filter((value) => value !== null && value !== undefined)
                            .map(String)
                            .join(', ')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          <div className="dialog-buttons">
            <button type="button" onClick={close} data-testid="import-cancel">
              Cancel
            </button>
            <button
              type="submit"
              className="primary"
              disabled={draft.stage !== 'ready'}
              data-testid="import-confirm"
              autoFocus
            >
              Import
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
