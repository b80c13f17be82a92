import { ConnectionBanner } from './connection-banner.js';
import { DataView } from './data-view.js';
import { ErrorPanel } from './error-panel.js';
import { ImportDialog } from './import-dialog.js';
import { JobPanel } from './job-panel.js';
import { Sidebar } from './sidebar.js';
import { useApp } from '../store/app-store.js';
import { TrainingPage } from '../training/training-page.js';

export function App() {
  const onDataPage = useApp((state) => state.page.kind === 'data');
  return (
    <div className="app">
      <ConnectionBanner />
      <div className="app-body">
        <Sidebar />
        <div className="main-column">
          <ErrorPanel />
          <JobPanel />
          {onDataPage ? (
            <DataView />
          ) : (
            <main className="data-view training-main" data-testid="training-main">
              <TrainingPage />
            </main>
          )}
        </div>
      </div>
      <ImportDialog />
    </div>
  );
}
