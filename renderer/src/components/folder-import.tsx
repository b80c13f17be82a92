import { useState } from 'react';
import { useModalDialog } from './use-modal-dialog.js';
import { useApp, useDeps } from '../store/app-store.js';

function baseName(path: string): string {
  return (
    path
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .at(-1) ?? path
  );
}

/**
 * Browser mode: import a folder of images by its path on the server's machine. A page cannot
 * upload a folder tree as one file, so the engine reads it in place; the server allows only
 * folders under its `--data-dir` (and says so when the path is elsewhere).
 */
export function FolderImport() {
  const { api, files } = useDeps();
  const projectId = useApp((state) => state.selectedProjectId);
  const trackJob = useApp((state) => state.trackJob);
  const reportError = useApp((state) => state.reportError);
  const [open, setOpen] = useState(false);
  const dialogRef = useModalDialog(open);
  const [path, setPath] = useState('');

  const submit = async (typed: string): Promise<void> => {
    const folder = typed.trim();
    if (folder === '' || projectId === null) return;
    setOpen(false);
    try {
      const { jobId } = await api.datasets.import({ projectId, path: folder });
      trackJob({
        id: jobId,
        kind: 'import',
        label: `Import ${baseName(folder)}`,
        status: 'queued',
        progress: 0,
        message: 'Waiting to start…',
        projectId,
        datasetName: baseName(folder),
      });
      setPath('');
    } catch (error) {
      reportError(error);
    }
  };

  // The desktop app reads only what the user picked, so it asks the native folder dialog instead of a typed path.
  if (files.mode === 'desktop') {
    return (
      <button
        type="button"
        disabled={projectId === null}
        data-testid="import-folder"
        onClick={() => {
          void files.pickImageFolder().then((folder) => (folder === null ? undefined : submit(folder)));
        }}
      >
        Import a folder…
      </button>
    );
  }

  return (
    <>
      <button
        type="button"
        disabled={projectId === null}
        data-testid="import-folder"
        onClick={() => setOpen(true)}
      >
        Import a folder…
      </button>
      <dialog
        ref={dialogRef}
        className="import-dialog"
        aria-labelledby="import-folder-title"
        data-testid="import-folder-dialog"
        onCancel={(event) => {
          event.preventDefault();
          setOpen(false);
        }}
      >
        <form
          method="dialog"
          onSubmit={(event) => {
            event.preventDefault();
            void submit(path);
          }}
        >
          <h2 id="import-folder-title">Import a folder of images</h2>
          <p className="muted">
            Every PNG, JPEG and WebP image below the folder becomes a row; the name of each image&apos;s
            folder is its <code>folder</code> column. The folder must be on the machine running Orchard, under
            a folder it was started with (<code>--data-dir</code>).
          </p>
          <label className="field">
            <span>Folder path</span>
            <input
              type="text"
              value={path}
              placeholder="/home/me/pictures/shapes"
              onChange={(event) => setPath(event.target.value)}
              data-testid="import-folder-path"
              autoFocus
            />
          </label>
          <div className="dialog-buttons">
            <button type="button" onClick={() => setOpen(false)} data-testid="import-folder-cancel">
              Cancel
            </button>
            <button
              type="submit"
              className="primary"
              disabled={path.trim() === ''}
              data-testid="import-folder-confirm"
            >
              Import
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
