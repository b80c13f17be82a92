import { ConnectionBanner } from './connection-banner.js';
import { DataView } from './data-view.js';
import { ErrorPanel } from './error-panel.js';
import { ImportDialog } from './import-dialog.js';
import { JobPanel } from './job-panel.js';
import { Sidebar } from './sidebar.js';

export function App() {
  return (
    <div className="app">
      <ConnectionBanner />
      <div className="app-body">
        <Sidebar />
        <div className="main-column">
          <ErrorPanel />
          <JobPanel />
          <DataView />
        </div>
      </div>
      <ImportDialog />
    </div>
  );
}
